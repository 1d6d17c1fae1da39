// The parts of @kubernetes/client-node the adapter uses, imported by name so that the bundle
// keeps only these (a require of the whole package would bundle every API it has).
export { CoreV1Api, Exec, KubeConfig, NodeV1Api, Observable } from '@kubernetes/client-node';
