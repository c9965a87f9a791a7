/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the classic-IPC demos share: the payload and its checksum, whole
 * buffer I/O, length-prefixed records over byte streams, paths in the demo
 * directory, a time limit, and the report lines the selftest compares:
 *   writer: "sent bytes=N fnv=XXXXXXXX"   reader: "received bytes=N fnv=XXXXXXXX"
 */
#ifndef IPCX_DEMO_COMMON_H
#define IPCX_DEMO_COMMON_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define DEMO_LEN	100000	/* bytes: more than a pipe holds, so writes split */
#define DEMO_SEM_LEN	300	/* the semaphore demo moves one byte per handshake */
#define DEMO_TIMEOUT_S	20	/* a demo waiting longer for its peer gives up */

void demo_payload(char *buf, size_t len);
uint32_t demo_fnv(const void *buf, size_t len);
void demo_report(const char *verb, const void *buf, size_t len);
/* a reader prints "ready" once its peer may start */
void demo_ready(void);

/* exit(1) with the failing call's name and errno */
void demo_die(const char *what) __attribute__((noreturn));

/* DIR (argv[1], default /tmp) + "/" + name into buf */
void demo_path(char *buf, size_t len, int argc, char **argv, const char *name);
/* the directory this program was started from, for its peer's binary */
void demo_self_dir(char *buf, size_t len);

/* SIGALRM after DEMO_TIMEOUT_S: blocking calls fail with EINTR */
void demo_time_limit(void);
void demo_sleep_ms(int ms);
/* create an empty file; wait (up to the time limit) until one exists */
void demo_touch(const char *path);
void demo_wait_for(const char *path);

/* 0, or -1 with errno set; read_all returns the bytes read (short at EOF) */
int write_all(int fd, const void *buf, size_t len);
ssize_t read_all(int fd, void *buf, size_t len);

/* records: 4-byte big-endian length, then the bytes; EOF ends the stream */
int send_records(int fd, const char *buf, size_t len);
ssize_t recv_records(int fd, char *buf, size_t cap);

/* a stream writer's whole job: payload as records into fd, report, close */
void demo_send_stream(int fd);

#endif
