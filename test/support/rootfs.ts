// The root filesystem of the test images (podman's and containerd's), built from the Debian
// package busybox-static since nothing can be pulled: busybox with each of its applets linked at its
// usual path, three users, and an /etc/shadow for the attacks to read.
import { spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

export const BUSYBOX = '/bin/busybox';

const PASSWD = 'root:x:0:0:root:/root:/bin/sh\nuser:x:1000:1000:user:/home/user:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n';
const GROUP = 'root:x:0:\nuser:x:1000:\nnogroup:x:65534:\n';
const SHADOW = 'root:*:19000:0:99999:7:::\nuser:!:19000:0:99999:7:::\nnobody:*:19000:0:99999:7:::\n';

export function writeRootfs(root: string): void {
  for (const d of ['bin', 'sbin', 'usr/bin', 'usr/sbin', 'etc', 'root', 'home/user', 'tmp', 'var/tmp', 'proc', 'sys', 'dev', 'run']) {
    mkdirSync(join(root, d), { recursive: true });
  }
  chmodSync(join(root, 'tmp'), 0o1777);
  chmodSync(join(root, 'var/tmp'), 0o1777);
  chmodSync(join(root, 'root'), 0o700);
  copyFileSync(BUSYBOX, join(root, 'bin/busybox'));
  chmodSync(join(root, 'bin/busybox'), 0o755);
  // `busybox --list-full` names each applet with its usual path (bin/sh, usr/bin/wget, sbin/ip).
  const applets = spawnSync(BUSYBOX, ['--list-full'], { encoding: 'utf8' }).stdout.split('\n').filter((p) => p !== '');
  for (const path of applets) {
    const at = join(root, path);
    if (existsSync(at)) continue;
    mkdirSync(dirname(at), { recursive: true });
    symlinkSync('/bin/busybox', at);
  }
  writeFileSync(join(root, 'etc/passwd'), PASSWD, { mode: 0o644 });
  writeFileSync(join(root, 'etc/group'), GROUP, { mode: 0o644 });
  writeFileSync(join(root, 'etc/shadow'), SHADOW, { mode: 0o640 });
}
