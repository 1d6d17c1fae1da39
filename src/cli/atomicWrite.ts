// Replaces a file's content without a window where it is half-written: write a temp file
// beside it, then rename over it. The new file keeps the old one's mode (and owner, where
// allowed); a symbolic link is kept and its target is replaced.
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';

export function writeFileAtomic(filePath: string, text: string): void {
  const target = fs.realpathSync(filePath);
  const stat = fs.statSync(target);
  const mode = stat.mode & 0o7777;
  const temp = path.join(path.dirname(target), `.${path.basename(target)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  try {
    const fd = fs.openSync(temp, 'wx', mode);
    try {
      fs.writeFileSync(fd, text, 'utf8');
      fs.fchmodSync(fd, mode); // openSync's mode is filtered by the umask
      if (stat.uid !== process.getuid?.() || stat.gid !== process.getgid?.()) {
        try {
          fs.fchownSync(fd, stat.uid, stat.gid);
        } catch {
          // Only root may give a file away; others get a file they own, as an editor would write.
        }
      }
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    fs.renameSync(temp, target);
  } catch (error) {
    try {
      fs.unlinkSync(temp);
    } catch {
      // The temp file was never created, or is already gone.
    }
    throw error;
  }
}
