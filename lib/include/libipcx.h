/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * libipcx: the user-space companion of the ipcx kernel module.
 *
 * Conventions (as liburing): every function returns 0 (or a non-negative
 * value) on success and a negative errno on failure; none of them touches
 * errno. ipcx_strerror() turns a result into text. All functions are safe
 * to call from several threads at once unless their page says otherwise.
 */
#ifndef LIBIPCX_H
#define LIBIPCX_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>	/* clockid_t, also under strict -std=c99/c11 */
#include <time.h>
#include <linux/ipcx.h>

/* strict C99 <time.h> has no struct timespec: declare the tag (POSIX defines it) */
struct timespec;

#ifdef __cplusplus
extern "C" {
#endif

#define LIBIPCX_VERSION_MAJOR 0
#define LIBIPCX_VERSION_MINOR 1

/**
 * ipcx_open_dev() - open the ipcx device
 * @flags: extra open(2) flags; O_CLOEXEC is always added
 *
 * Returns a file descriptor on /dev/ipcx (or the path in the IPCX_DEVICE
 * environment variable), or -ENOENT when the module is not loaded, -EACCES
 * when the node is not accessible, or another -errno from open(2).
 */
int ipcx_open_dev(int flags);

/**
 * ipcx_get_version() - ask the module for its ABI version and features
 * @fd: a file descriptor from ipcx_open_dev()
 * @ver: filled on success
 *
 * Returns 0, or -EBADF / -ENOTTY (fd is not /dev/ipcx) / -EFAULT.
 */
int ipcx_get_version(int fd, struct ipcx_version *ver);

/*
 * Regions (see include/uapi/linux/ipcx.h for the rules). A region is used
 * through a file descriptor on /dev/ipcx attached to it; close it with
 * ipcx_region_close() (mappings stay valid).
 */

/**
 * ipcx_region_create() - create a region (or open it, without IPCX_OPEN_EXCL)
 * @name: its name (1..IPCX_NAME_MAX bytes, no '/'), or NULL for anonymous
 * @size: size in bytes (> 0)
 * @mode: permission bits (0777 mask)
 * @lifetime: enum ipcx_lifetime
 * @flags: 0, IPCX_OPEN_EXCL (fail with -EEXIST if present), IPCX_OPEN_RDONLY,
 *	   IPCX_OPEN_HUGE_THP (a new region gets transparent huge pages),
 *	   IPCX_OPEN_HUGETLB and its page sizes (hugetlb pages: see the uapi header)
 *
 * Returns a file descriptor attached to the region, or -errno (see the
 * uapi header for IPCX_IOC_REGION_OPEN; -ENOENT if the module is not loaded).
 */
int ipcx_region_create(const char *name, uint64_t size, unsigned int mode,
		       unsigned int lifetime, unsigned int flags);

/**
 * ipcx_region_open() - open an existing named region
 * @name: its name
 * @flags: 0 (read-write) or IPCX_OPEN_RDONLY
 *
 * Returns a file descriptor, or -ENOENT, -EACCES, -EPERM, -EINVAL, ...
 */
int ipcx_region_open(const char *name, unsigned int flags);

/** ipcx_region_unlink() - remove a name; returns 0, -ENOENT or -EPERM. */
int ipcx_region_unlink(const char *name);

/**
 * ipcx_region_map() - mmap(MAP_SHARED) a region from offset 0
 * @fd: an attached descriptor
 * @len: bytes to map, or 0 for the whole region
 * @prot: PROT_READ and/or PROT_WRITE
 * @addr: the address, on success
 */
int ipcx_region_map(int fd, size_t len, int prot, void **addr);

/** ipcx_region_unmap() - munmap(2) returning 0 or -errno. */
int ipcx_region_unmap(void *addr, size_t len);

/** ipcx_region_stat() - describe the region @fd is attached to. */
int ipcx_region_stat(int fd, struct ipcx_region_stat *st);

/**
 * ipcx_region_set_perm() - change owner and/or mode
 * @fd: an attached descriptor
 * @uid: new owner uid (with IPCX_PERM_UID in @which)
 * @gid: new owner gid (with IPCX_PERM_GID)
 * @mode: new mode (with IPCX_PERM_MODE)
 * @which: IPCX_PERM_* bits
 */
int ipcx_region_set_perm(int fd, uint32_t uid, uint32_t gid, unsigned int mode,
			 unsigned int which);

/** ipcx_region_seal() - add IPCX_SEAL_* bits; -EBUSY, -EPERM. */
int ipcx_region_seal(int fd, unsigned int seals);

/** ipcx_region_resize() - grow or shrink; -EPERM when sealed. */
int ipcx_region_resize(int fd, uint64_t size);

/** ipcx_region_close() - close(2) an attached descriptor. */
int ipcx_region_close(int fd);

/**
 * ipcx_strerror() - describe a result of a libipcx function
 * @err: a negative errno as returned by libipcx (a positive one works too)
 *
 * Returns a static string; ipcx-specific meanings are used where ipcx gives
 * an errno one (for example -ENOENT from ipcx_open_dev()).
 */
const char *ipcx_strerror(int err);


/*
 * Built-in locks (see <linux/ipcx.h> for the design). A lock block lives at
 * a 64-byte-aligned offset of a region; `fd` is the region's file
 * descriptor and `base` the address where the caller mapped the region.
 * *_init() declares the block to the kernel (once, by any process; again
 * with the same kind is harmless); *_attach() only builds the handle.
 * Handles are plain structs and may be shared by the threads of a process.
 */
struct ipcx_mutex {
	int fd;
	uint64_t offset;
	uint32_t *word;
};

struct ipcx_event {
	int fd;
	uint64_t offset;
	uint32_t *word;
};

/**
 * ipcx_owner_id() - the calling thread's owner id (registered on first use)
 * Returns 0 and sets *id, or -errno.
 */
int ipcx_owner_id(int fd, uint32_t *id);

int ipcx_mutex_init(struct ipcx_mutex *m, int fd, void *base, uint64_t offset);
int ipcx_mutex_attach(struct ipcx_mutex *m, int fd, void *base, uint64_t offset);
/*
 * Lock: 0, or -EOWNERDEAD (acquired; a holder died: repair the state, then
 * ipcx_mutex_consistent(), or unlock and the lock becomes unrecoverable),
 * -ENOTRECOVERABLE, -EDEADLK, -EBUSY (trylock), -ETIMEDOUT, -EINTR,
 * -EIDRM (region destroyed), -ENOENT (no lock declared at that offset).
 */
int ipcx_mutex_lock(struct ipcx_mutex *m);
int ipcx_mutex_trylock(struct ipcx_mutex *m);
int ipcx_mutex_timedlock(struct ipcx_mutex *m, const struct timespec *abstime,
			 clockid_t clock);
/* flags: 0 or IPCX_LOCK_F_TRYLOCK; died (may be NULL) is filled on -EOWNERDEAD */
int ipcx_mutex_lock_full(struct ipcx_mutex *m, unsigned int flags,
			 const struct timespec *abstime, clockid_t clock,
			 struct ipcx_owner_info *died);
int ipcx_mutex_unlock(struct ipcx_mutex *m);
int ipcx_mutex_consistent(struct ipcx_mutex *m);
/* 1 if the calling thread holds m, else 0 (reads the word, no kernel call). */
int ipcx_mutex_held(const struct ipcx_mutex *m);
/*
 * Who died: after any lock call of this thread (plain, try, timed, full,
 * cond_wait's relock) returned -EOWNERDEAD on m, fills died with the holder
 * the kernel reported then: 0, or -ENOENT when this thread's last
 * -EOWNERDEAD was on another lock, or it had none. The record is the
 * thread's own, kept until its next -EOWNERDEAD; no kernel call. For the
 * whole chain of holders that died before the lock was made consistent
 * again, see ipcx_lock_stat() (first_death, unrepaired_deaths).
 */
int ipcx_mutex_last_death(const struct ipcx_mutex *m, struct ipcx_owner_info *died);

int ipcx_event_init(struct ipcx_event *e, int fd, void *base, uint64_t offset);
int ipcx_event_attach(struct ipcx_event *e, int fd, void *base, uint64_t offset);
uint32_t ipcx_event_seq(const struct ipcx_event *e);
/* Sleep while the sequence is still seq: 0, -ETIMEDOUT, -EINTR, -EIDRM. */
int ipcx_event_wait(struct ipcx_event *e, uint32_t seq,
		    const struct timespec *abstime, clockid_t clock);
/* Advance the sequence and wake one / all: waiters woken (>= 0) or -errno. */
int ipcx_event_signal(struct ipcx_event *e);
int ipcx_event_broadcast(struct ipcx_event *e);
/* Robust condition variable: unlock m, wait for e, relock m (its result wins). */
int ipcx_cond_wait(struct ipcx_event *e, struct ipcx_mutex *m,
		   const struct timespec *abstime, clockid_t clock);

struct ipcx_sem {
	int fd;
	uint64_t offset;
	uint32_t *word;
};

/* Counting semaphores; flags: IPCX_LOCK_F_TRYLOCK, IPCX_LOCK_F_UNDO. */
int ipcx_sem_init(struct ipcx_sem *s, int fd, void *base, uint64_t offset,
		  unsigned int value);
int ipcx_sem_attach(struct ipcx_sem *s, int fd, void *base, uint64_t offset);
unsigned int ipcx_sem_value(const struct ipcx_sem *s);
/* 0, -EOWNERDEAD (a dead owner's undo gave units back: died filled),
 * -EAGAIN (trywait), -ETIMEDOUT, -EINTR, -EIDRM */
int ipcx_sem_wait_full(struct ipcx_sem *s, unsigned int flags,
		       const struct timespec *abstime, clockid_t clock,
		       struct ipcx_owner_info *died);
int ipcx_sem_wait(struct ipcx_sem *s);
int ipcx_sem_trywait(struct ipcx_sem *s);
int ipcx_sem_timedwait(struct ipcx_sem *s, const struct timespec *abstime,
		       clockid_t clock);
/* 0, -EOVERFLOW, -EIDRM */
int ipcx_sem_post_full(struct ipcx_sem *s, unsigned int flags);
int ipcx_sem_post(struct ipcx_sem *s);
/* As ipcx_mutex_last_death(), after a wait that returned -EOWNERDEAD. */
int ipcx_sem_last_death(const struct ipcx_sem *s, struct ipcx_owner_info *died);

struct ipcx_rwlock {
	int fd;
	uint64_t offset;
	uint32_t *word;
};

/*
 * Robust reader-writer locks: the kernel knows every reader and the writer,
 * so a dead reader is released too. Up to IPCX_RW_SLOTS readers at once
 * stay in user space. Results as for mutexes; rdlock also -EAGAIN (trylock
 * with all reader slots taken). A reader gets -EOWNERDEAD (acquired) while a
 * dead writer's state is unrepaired; only a writer can repair it
 * (ipcx_rwlock_consistent()).
 */
int ipcx_rwlock_init(struct ipcx_rwlock *rw, int fd, void *base, uint64_t offset);
int ipcx_rwlock_attach(struct ipcx_rwlock *rw, int fd, void *base, uint64_t offset);
int ipcx_rwlock_rdlock(struct ipcx_rwlock *rw);
int ipcx_rwlock_wrlock(struct ipcx_rwlock *rw);
int ipcx_rwlock_rdlock_full(struct ipcx_rwlock *rw, unsigned int flags,
			    const struct timespec *abstime, clockid_t clock,
			    struct ipcx_owner_info *died);
int ipcx_rwlock_wrlock_full(struct ipcx_rwlock *rw, unsigned int flags,
			    const struct timespec *abstime, clockid_t clock,
			    struct ipcx_owner_info *died);
int ipcx_rwlock_unlock(struct ipcx_rwlock *rw);
int ipcx_rwlock_consistent(struct ipcx_rwlock *rw);
/*
 * What the calling thread holds of rw: IPCX_RWLOCK_HELD_WRITE,
 * IPCX_RWLOCK_HELD_READ or 0 (reads the word and slots, no kernel call).
 */
#define IPCX_RWLOCK_HELD_READ	1
#define IPCX_RWLOCK_HELD_WRITE	2
int ipcx_rwlock_held(const struct ipcx_rwlock *rw);
/* As ipcx_mutex_last_death(), after a lock call that returned -EOWNERDEAD. */
int ipcx_rwlock_last_death(const struct ipcx_rwlock *rw, struct ipcx_owner_info *died);

/* What the kernel knows of the lock at offset: 0 or -errno. */
int ipcx_lock_stat(int fd, uint64_t offset, struct ipcx_lock_stat *st);
/* A pollable fd for the lock at offset (O_CLOEXEC), or -errno. */
int ipcx_lock_fd(int fd, uint64_t offset);

/*
 * Control plane (libnl-genl-3 over the "ipcx" generic netlink family): list
 * and describe regions of the caller's IPC namespace and their locks, read
 * module statistics, unlink names, follow events. Every function returns 0
 * or -errno; -ENOENT from ipcx_nl_open() means the family is not registered
 * (module not loaded). A handle is for one thread at a time.
 */
struct ipcx_nl;

/* one region, as IPCX_NL_CMD_REGION_GET describes it */
struct ipcx_nl_region {
	uint64_t id;
	uint64_t size;
	uint64_t ctime_ns;	/* CLOCK_REALTIME */
	uint32_t uid, gid, mode, lifetime, seals;
	uint32_t nattach, nmaps, nlocks;
	uint32_t linked;	/* 1 while the name is in place */
	char name[IPCX_NAME_MAX + 1];	/* empty for anonymous regions */
	/*
	 * Appended in LIBIPCX_1.9 (0 from a module without IPCX_FEAT_HUGE);
	 * programs linked against ipcx_nl_get_region@LIBIPCX_1.3 get the
	 * struct without them.
	 */
	uint64_t page_size;	/* bytes of its pages (huge: 2 MiB on x86-64) */
	uint64_t resident;	/* bytes in memory */
	uint64_t swapped;	/* bytes in swap */
};

/* the size of the struct before page_size */
#define IPCX_NL_REGION_SIZE_VER0	offsetof(struct ipcx_nl_region, page_size)

/* one declared lock, as IPCX_NL_CMD_LOCK_GET describes it */
struct ipcx_nl_lock {
	uint64_t region_id;
	uint64_t offset;
	uint32_t kind;		/* enum ipcx_lock_kind */
	uint32_t word;
	uint32_t holder_pid, holder_tgid;	/* 0: none or not visible */
	char holder_comm[16];
	uint32_t waiters;
	uint64_t acquisitions, contended;
	uint64_t wait_total_ns, wait_max_ns;
	uint64_t owner_deaths;
	uint32_t death_pid;	/* the last holder that died */
	char death_comm[16];
	uint64_t death_time_ns;
};

/*
 * The module's limits and live counts. Extensible: fields are only ever
 * appended. ipcx_nl_stats() fills the first IPCX_NL_STATS_SIZE_VER0 bytes
 * only (what it always did); ipcx_nl_get_stats() takes the size the caller
 * was built with and says in @present which fields the module reported.
 */
struct ipcx_nl_stats {
	uint32_t max_regions;	/* per IPC namespace */
	uint32_t max_locks_per_region;
	uint64_t max_region_bytes;
	uint64_t max_total_bytes;	/* per IPC namespace */
	uint32_t regions;	/* live, every namespace */
	uint32_t locks;
	uint32_t owners;
	uint64_t bytes;
	/* end of IPCX_NL_STATS_SIZE_VER0; below, ipcx_nl_get_stats() only */
	uint64_t present;	/* bit IPCX_NL_STATS_A_X: field of X reported */
	uint32_t subscribers;	/* sockets subscribed to events, all users */
	uint32_t max_subscribers;
	uint32_t max_user_subscribers;	/* what one user may subscribe */
	uint32_t max_user_regions;	/* per-user budgets */
	uint64_t max_user_bytes;
	uint32_t max_user_locks;
	uint32_t max_user_owners;
	uint32_t user_regions;	/* the caller's use of them (its euid's) */
	uint32_t user_locks;
	uint64_t user_bytes;
	uint32_t user_owners;	/* its real uid's */
	uint32_t user_subscribers;	/* its real uid's */
	uint64_t user_locked_bytes;	/* pages its locks pinned (RLIMIT_MEMLOCK) */
};

/*
 * A holder or a sleeper of a lock, as IPCX_NL_CMD_WAITS_GET describes it
 * (ipcx_nl_list_waits()).
 */
struct ipcx_nl_peer {
	uint32_t owner;		/* its owner id; 0: a semaphore or event sleeper */
	uint32_t pid, tgid;	/* in the caller's pid namespace; 0: not visible */
	uint32_t wait_for;	/* enum ipcx_wait_for: what it waits for, how it holds */
	uint32_t units;		/* a semaphore sleeper's units */
	uint64_t since_ns;	/* a sleeper's: CLOCK_MONOTONIC when it first slept */
	char comm[16];		/* empty when not visible */
};

/* one declared lock: who holds it, who sleeps on it (oldest first) */
struct ipcx_nl_waits {
	uint64_t region_id;
	uint64_t offset;
	uint32_t kind;		/* enum ipcx_lock_kind */
	uint32_t word;
	uint32_t count;		/* a semaphore's units left; a rwlock's readers */
	uint32_t nr_holders;
	uint32_t nr_waiters;
	const struct ipcx_nl_peer *holders;	/* valid during the callback */
	const struct ipcx_nl_peer *waiters;
	char region_name[IPCX_NAME_MAX + 1];	/* empty: anonymous */
};

/* the size of the first version (48 bytes on LP64, 44 on i386) */
#define IPCX_NL_STATS_SIZE_VER0	offsetof(struct ipcx_nl_stats, present)

/* one notification; type is IPCX_NL_CMD_*_NTF */
/*
 * A notification (IPCX_NL_CMD_*_NTF). For IPCX_NL_CMD_DEADLOCK_NTF: the
 * thread that got EDEADLK and the lock it asked for (the other members of
 * the cycle are in the message, see the uapi header).
 */
struct ipcx_nl_event {
	uint32_t type;
	uint32_t pid, tgid;	/* lock events; see ipcx_nl_subscribe() */
	uint64_t region_id;
	uint64_t offset;	/* lock events */
	char comm[16];		/* lock events */
	char name[IPCX_NAME_MAX + 1];	/* named regions */
};

/* return non-zero (a -errno) to stop the walk with that result */
typedef int (*ipcx_nl_region_cb)(const struct ipcx_nl_region *region, void *arg);
typedef int (*ipcx_nl_lock_cb)(const struct ipcx_nl_lock *lock, void *arg);

int ipcx_nl_open(struct ipcx_nl **nl);
void ipcx_nl_close(struct ipcx_nl *nl);
const char *ipcx_nl_errmsg(const struct ipcx_nl *nl);
int ipcx_nl_list_regions(struct ipcx_nl *nl, ipcx_nl_region_cb cb, void *arg);
int ipcx_nl_get_region(struct ipcx_nl *nl, const char *name, uint64_t id,
		       struct ipcx_nl_region *region);
int ipcx_nl_list_locks(struct ipcx_nl *nl, const char *name, uint64_t id,
		       ipcx_nl_lock_cb cb, void *arg);
int ipcx_nl_stats(struct ipcx_nl *nl, struct ipcx_nl_stats *stats);
int ipcx_nl_get_stats(struct ipcx_nl *nl, struct ipcx_nl_stats *stats, size_t size);
int ipcx_nl_delete(struct ipcx_nl *nl, const char *name);
/* holders and sleepers of one region's locks, or (no name, id 0) all readable */
typedef int (*ipcx_nl_waits_cb)(const struct ipcx_nl_waits *waits, void *arg);
int ipcx_nl_list_waits(struct ipcx_nl *nl, const char *name, uint64_t id,
		       ipcx_nl_waits_cb cb, void *arg);
/*
 * Follow events (struct ipcx_nl_event) on a socket of the handle's own,
 * read with ipcx_nl_recv_event() or polled on ipcx_nl_event_fd(). Subscribe
 * gets those of the caller's IPC namespace, pids in its pid namespace, with
 * no privilege (-ENOSPC past the module's subscriber limits); subscribe_all
 * joins the multicast group: every namespace, pids in the initial pid
 * namespace, CAP_NET_ADMIN needed (-EPERM). One or the other per handle.
 */
int ipcx_nl_subscribe(struct ipcx_nl *nl);
int ipcx_nl_subscribe_all(struct ipcx_nl *nl);
int ipcx_nl_event_fd(const struct ipcx_nl *nl);
int ipcx_nl_recv_event(struct ipcx_nl *nl, struct ipcx_nl_event *ev, int timeout_ms);

/*
 * Channels (man ipcx_channel(3)): message passing over a region. One
 * region holds one channel: a header, the ring and the lock blocks.
 * ipcx_chan_init() formats it once; every sender and receiver then
 * ipcx_chan_open()s its own handle. A handle belongs to the thread that
 * opened it (its attachment is a robust mutex that thread holds) and is
 * used by one thread at a time.
 */
#define IPCX_CHAN_STREAM	(1U << 0)	/* attr.flags: byte stream (1 to 1) */

#define IPCX_CHAN_SEND		1		/* open: role */
#define IPCX_CHAN_RECV		2

#define IPCX_CHAN_NONBLOCK	(1U << 0)	/* send/recv flags: -EAGAIN */

/**
 * struct ipcx_chan_attr - geometry of a channel, fixed at ipcx_chan_init()
 * @flags: 0 (messages) or IPCX_CHAN_STREAM
 * @max_msg: largest message in bytes (messages; ignored for streams)
 * @capacity: messages in the ring, or bytes of a stream; a power of two
 * @max_senders: senders attached at once (streams: 1)
 * @max_receivers: receivers attached at once (streams: 1)
 */
struct ipcx_chan_attr {
	uint32_t flags;
	uint32_t max_msg;
	uint32_t capacity;
	uint32_t max_senders;
	uint32_t max_receivers;
};

struct ipcx_chan;

/* Bytes of region that a channel with @attr needs: 0, -EINVAL. */
int ipcx_chan_size(const struct ipcx_chan_attr *attr, uint64_t *size);
/* Format the region mapped at base (size bytes) as a channel. */
int ipcx_chan_init(int fd, void *base, uint64_t size,
		   const struct ipcx_chan_attr *attr);
/* Attach as IPCX_CHAN_SEND or IPCX_CHAN_RECV: 0, -EPROTO (not a channel
 * or a bad header), -EUSERS (all slots of that role taken), -errno. */
int ipcx_chan_open(int fd, void *base, uint64_t size, unsigned int role,
		   struct ipcx_chan **chp);
int ipcx_chan_close(struct ipcx_chan *ch);
/* Bytes sent (all of len), -EAGAIN, -ETIMEDOUT, -EPIPE (every receiver
 * gone), -EMSGSIZE, -EINVAL, -EINTR, -EPROTO (corrupted ring). */
int ipcx_chan_send(struct ipcx_chan *ch, const void *buf, size_t len,
		   unsigned int flags, const struct timespec *abstime,
		   clockid_t clock);
/* Message length (or stream bytes), 0 at end of file (every sender gone,
 * ring empty), -EAGAIN, -ETIMEDOUT, -EMSGSIZE (buffer too small; the
 * message stays), -EINTR, -EBADMSG (a bad message, dropped), -EPROTO. */
int ipcx_chan_recv(struct ipcx_chan *ch, void *buf, size_t len,
		   unsigned int flags, const struct timespec *abstime,
		   clockid_t clock);
/* Zero copy (messages only): reserve a slot of up to len bytes, write it
 * at *buf, commit the bytes written (0 cancels). */
int ipcx_chan_reserve(struct ipcx_chan *ch, size_t len, void **buf,
		      unsigned int flags, const struct timespec *abstime,
		      clockid_t clock);
int ipcx_chan_commit(struct ipcx_chan *ch, size_t len);
/* Receive a view of the next message in place (its length, 0 at EOF);
 * ipcx_chan_release() gives the slot back. */
int ipcx_chan_recv_view(struct ipcx_chan *ch, const void **buf,
			unsigned int flags, const struct timespec *abstime,
			clockid_t clock);
int ipcx_chan_release(struct ipcx_chan *ch);
/* A pollable fd (owned by ch): readable when a non-blocking recv (send for
 * a sender) may succeed; re-armed by the call that returns -EAGAIN. */
int ipcx_chan_fd(struct ipcx_chan *ch);
/* How long a blocking call spins, watching the ring, before it sleeps:
 * ns nanoseconds (default 20000; 0: never; at most 1 s). No spin on a
 * machine with one CPU online, nor while every peer last ran on the
 * caller's CPU. 0, -EINVAL. */
int ipcx_chan_set_spin(struct ipcx_chan *ch, uint64_t ns);

#ifdef __cplusplus
}
#endif

#endif /* LIBIPCX_H */
