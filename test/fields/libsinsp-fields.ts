// Every field name of current libsinsp's syscall field classes (falcosecurity/libs,
// userspace/libsinsp/sinsp_filtercheck_{gen_event,event,thread,fd,fdlist,fspath,user,group}.cpp at
// 48dfd53), in their tables' order: `ghostwatch fields` must list each one.
export const LIBSINSP_SYSCALL_FIELDS: readonly string[] = [
  // evt (all events)
  'evt.num', 'evt.time', 'evt.time.s', 'evt.time.iso8601', 'evt.datetime', 'evt.datetime.s', 'evt.rawtime',
  'evt.rawtime.s', 'evt.rawtime.ns', 'evt.reltime', 'evt.reltime.s', 'evt.reltime.ns', 'evt.pluginname',
  'evt.plugininfo', 'evt.source', 'evt.is_async', 'evt.asynctype', 'evt.hostname',
  // evt (syscall events)
  'evt.latency', 'evt.latency.s', 'evt.latency.ns', 'evt.latency.quantized', 'evt.latency.human', 'evt.deltatime',
  'evt.deltatime.s', 'evt.deltatime.ns', 'evt.outputtime', 'evt.dir', 'evt.type', 'evt.type.is', 'syscall.type',
  'evt.category', 'evt.cpu', 'evt.args', 'evt.arg', 'evt.rawarg', 'evt.info', 'evt.buffer', 'evt.buflen', 'evt.res',
  'evt.rawres', 'evt.failed', 'evt.is_io', 'evt.is_io_read', 'evt.is_io_write', 'evt.io_dir', 'evt.is_wait',
  'evt.wait_latency', 'evt.is_syslog', 'evt.count', 'evt.count.error', 'evt.count.error.file', 'evt.count.error.net',
  'evt.count.error.memory', 'evt.count.error.other', 'evt.count.exit', 'evt.count.procinfo', 'evt.count.threadinfo',
  'evt.around', 'evt.abspath', 'evt.buflen.in', 'evt.buflen.out', 'evt.buflen.file', 'evt.buflen.file.in',
  'evt.buflen.file.out', 'evt.buflen.net', 'evt.buflen.net.in', 'evt.buflen.net.out', 'evt.is_open_read',
  'evt.is_open_write', 'evt.infra.docker.name', 'evt.infra.docker.container.id', 'evt.infra.docker.container.name',
  'evt.infra.docker.container.image', 'evt.is_open_exec', 'evt.is_open_create',
  // process
  'proc.exe', 'proc.pexe', 'proc.aexe', 'proc.exepath', 'proc.pexepath', 'proc.aexepath', 'proc.name', 'proc.pname',
  'proc.aname', 'proc.args', 'proc.aargs', 'proc.cmdline', 'proc.pcmdline', 'proc.acmdline', 'proc.cmdnargs',
  'proc.cmdlenargs', 'proc.exeline', 'proc.env', 'proc.aenv', 'proc.cwd', 'proc.loginshellid', 'proc.tty',
  'proc.pid', 'proc.ppid', 'proc.apid', 'proc.vpid', 'proc.pvpid', 'proc.sid', 'proc.sname', 'proc.sid.exe',
  'proc.sid.exepath', 'proc.vpgid', 'proc.vpgid.name', 'proc.vpgid.exe', 'proc.vpgid.exepath', 'proc.pgid',
  'proc.pgid.name', 'proc.pgid.exe', 'proc.pgid.exepath', 'proc.duration', 'proc.ppid.duration', 'proc.pid.ts',
  'proc.ppid.ts', 'proc.is_exe_writable', 'proc.is_exe_upper_layer', 'proc.is_exe_lower_layer',
  'proc.is_exe_from_memfd', 'proc.is_sid_leader', 'proc.is_vpgid_leader', 'proc.is_pgid_leader', 'proc.exe_ino',
  'proc.exe_ino.ctime', 'proc.exe_ino.mtime', 'proc.exe_ino.ctime_duration_proc_start',
  'proc.exe_ino.ctime_duration_pidns_start', 'proc.pidns_init_start_ts', 'thread.cap_permitted',
  'thread.cap_inheritable', 'thread.cap_effective', 'proc.fdopencount', 'proc.fdlimit', 'proc.fdusage',
  'proc.vmsize', 'proc.vmrss', 'proc.vmswap', 'thread.pfmajor', 'thread.pfminor', 'thread.tid', 'thread.ismain',
  'thread.vtid', 'thread.nametid', 'thread.exectime', 'thread.totexectime', 'thread.cgroups', 'thread.cgroup',
  'proc.nthreads', 'proc.nchilds', 'thread.cpu', 'thread.cpu.user', 'thread.cpu.system', 'thread.vmsize',
  'thread.vmrss', 'thread.vmsize.b', 'thread.vmrss.b', 'proc.stdin.type', 'proc.stdout.type', 'proc.stderr.type',
  'proc.stdin.name', 'proc.stdout.name', 'proc.stderr.name',
  // fd
  'fd.num', 'fd.type', 'fd.typechar', 'fd.name', 'fd.directory', 'fd.filename', 'fd.ip', 'fd.cip', 'fd.sip',
  'fd.lip', 'fd.rip', 'fd.port', 'fd.cport', 'fd.sport', 'fd.lport', 'fd.rport', 'fd.l4proto', 'fd.sockfamily',
  'fd.is_server', 'fd.uid', 'fd.containername', 'fd.containerdirectory', 'fd.proto', 'fd.cproto', 'fd.sproto',
  'fd.lproto', 'fd.rproto', 'fd.net', 'fd.cnet', 'fd.snet', 'fd.lnet', 'fd.rnet', 'fd.connected', 'fd.name_changed',
  'fd.cip.name', 'fd.sip.name', 'fd.lip.name', 'fd.rip.name', 'fd.dev', 'fd.dev.major', 'fd.dev.minor', 'fd.ino',
  'fd.nameraw', 'fd.types', 'fd.is_upper_layer', 'fd.is_lower_layer',
  // fdlist
  'fdlist.nums', 'fdlist.names', 'fdlist.cips', 'fdlist.sips', 'fdlist.cports', 'fdlist.sports',
  // fs.path
  'fs.path.name', 'fs.path.nameraw', 'fs.path.source', 'fs.path.sourceraw', 'fs.path.target', 'fs.path.targetraw',
  // user
  'user.uid', 'user.name', 'user.homedir', 'user.shell', 'user.loginuid', 'user.loginname',
  // group
  'group.gid', 'group.name',
];
