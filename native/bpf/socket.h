/* Socket addresses in scap's encodings.
 *
 * SOCKADDR: family (u8), then IPv4 address (4 bytes, network order) and port (u16, host order), or
 * IPv6 address (16) and port, or a unix path (NUL-terminated, an abstract name without its
 * leading NUL).
 * SOCKTUPLE: family, then source address and port, destination address and port; for unix
 * sockets the two kernel socket pointers (u64) and the path. Source is the local end for
 * outbound connections (connect) and the remote end for inbound ones (accept).
 */
#ifndef GW_SOCKET_H
#define GW_SOCKET_H

#include "path.h"

/* The socket behind an fd: a sockfs inode (an O_PATH fd of a socket file is no socket). */
static __always_inline struct socket *gw_fd_socket(__s64 fd)
{
	struct file *f = gw_fd_file(fd);
	if (!f || (BPF_CORE_READ(f, f_mode) & GW_FMODE_PATH) != 0) return NULL;
	if ((BPF_CORE_READ(f, f_inode, i_mode) & GW_S_IFMT) != GW_S_IFSOCK) return NULL;
	return BPF_CORE_READ(f, private_data);
}

union gw_sockaddr {
	struct sockaddr_in in;
	struct sockaddr_in6 in6;
	struct sockaddr_un un;
	__u16 family;
};

/* A sockaddr the caller passed, as a SOCKADDR parameter. */
static __always_inline void gw_sockaddr(struct gw_w *w, unsigned long uaddr, __u64 addrlen)
{
	union gw_sockaddr sa = {};
	if (uaddr == 0 || addrlen < 2) {
		gw_empty(w);
		return;
	}
	GW_CLAMP(addrlen, sizeof(sa));
	if (bpf_probe_read_user(&sa, addrlen, (void *)uaddr) != 0) {
		gw_empty(w);
		return;
	}
	__u32 start = w->pos;
	switch (sa.family) {
	case GW_AF_INET: {
		struct sockaddr_in *in = &sa.in;
		gw_raw_u8(w, GW_AF_INET);
		gw_raw_u32(w, in->sin_addr.s_addr);
		gw_raw_u16(w, bpf_ntohs(in->sin_port));
		break;
	}
	case GW_AF_INET6: {
		struct sockaddr_in6 *in6 = &sa.in6;
		gw_raw_u8(w, GW_AF_INET6);
		gw_raw_bytes(w, &in6->sin6_addr, 16);
		gw_raw_u16(w, bpf_ntohs(in6->sin6_port));
		break;
	}
	case GW_AF_UNIX: {
		struct sockaddr_un *un = &sa.un;
		gw_raw_u8(w, GW_AF_UNIX);
		char *path = un->sun_path;
		if (path[0] == 0) path++;
		if (gw_raw_str(w, path, false) == 0) gw_raw_u8(w, 0);
		break;
	}
	default:
		break;
	}
	gw_len(w, w->pos - start);
}

/* The tuple of a connected socket, from the kernel's socket (uaddr: the address the caller gave,
 * used when the kernel has no peer, e.g. an unconnected UDP socket). */
static __always_inline void gw_socktuple(struct gw_w *w, __s64 fd, bool outbound, unsigned long uaddr)
{
	struct socket *sock = gw_fd_socket(fd);
	struct sock *sk = sock ? BPF_CORE_READ(sock, sk) : NULL;
	if (!sk) {
		gw_empty(w);
		return;
	}
	__u16 family = BPF_CORE_READ(sk, __sk_common.skc_family);
	__u32 start = w->pos;
	if (family == GW_AF_INET) {
		struct inet_sock *inet = (struct inet_sock *)sk;
		__u32 laddr = BPF_CORE_READ(inet, inet_saddr), raddr = BPF_CORE_READ(sk, __sk_common.skc_daddr);
		__u16 lport = BPF_CORE_READ(inet, inet_sport), rport = BPF_CORE_READ(sk, __sk_common.skc_dport);
		if (rport == 0 && uaddr != 0) {
			struct sockaddr_in in = {};
			bpf_probe_read_user(&in, sizeof(in), (void *)uaddr);
			raddr = in.sin_addr.s_addr;
			rport = in.sin_port;
		}
		gw_raw_u8(w, GW_AF_INET);
		gw_raw_u32(w, outbound ? laddr : raddr);
		gw_raw_u16(w, bpf_ntohs(outbound ? lport : rport));
		gw_raw_u32(w, outbound ? raddr : laddr);
		gw_raw_u16(w, bpf_ntohs(outbound ? rport : lport));
	} else if (family == GW_AF_INET6) {
		struct inet_sock *inet = (struct inet_sock *)sk;
		struct in6_addr laddr = BPF_CORE_READ(inet, pinet6, saddr), raddr = BPF_CORE_READ(sk, __sk_common.skc_v6_daddr);
		__u16 lport = BPF_CORE_READ(inet, inet_sport), rport = BPF_CORE_READ(sk, __sk_common.skc_dport);
		if (rport == 0 && uaddr != 0) {
			struct sockaddr_in6 in6 = {};
			bpf_probe_read_user(&in6, sizeof(in6), (void *)uaddr);
			raddr = in6.sin6_addr;
			rport = in6.sin6_port;
		}
		gw_raw_u8(w, GW_AF_INET6);
		gw_raw_bytes(w, outbound ? &laddr : &raddr, 16);
		gw_raw_u16(w, bpf_ntohs(outbound ? lport : rport));
		gw_raw_bytes(w, outbound ? &raddr : &laddr, 16);
		gw_raw_u16(w, bpf_ntohs(outbound ? rport : lport));
	} else if (family == GW_AF_UNIX) {
		struct unix_sock *local = (struct unix_sock *)sk;
		struct unix_sock *peer = (struct unix_sock *)BPF_CORE_READ(local, peer);
		gw_raw_u8(w, GW_AF_UNIX);
		gw_raw_u64(w, (__u64)(outbound ? peer : local));
		gw_raw_u64(w, (__u64)(outbound ? local : peer));
		char path[GW_NAME_MAX / 2] = {};
		if (outbound && !peer && uaddr != 0) {
			bpf_probe_read_user(path, sizeof(path) - 1, (void *)(uaddr + 2));
		} else {
			struct unix_address *addr = BPF_CORE_READ(outbound ? peer : local, addr);
			if (addr) bpf_probe_read_kernel(path, sizeof(path) - 1, &addr->name[0].sun_path);
		}
		if (gw_raw_str(w, path[0] == 0 ? &path[1] : path, false) == 0) gw_raw_u8(w, 0);
	} else {
		gw_empty(w);
		return;
	}
	gw_len(w, w->pos - start);
}

#endif
