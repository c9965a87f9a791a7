// SPDX-License-Identifier: GPL-2.0
/*
 * A mapped file shared by two processes, reader side (the owner).
 * usage: mapfile_reader [DIR]
 *
 * Builds the file as DIR/mapfile.map.tmp (state MAP_EMPTY) and renames it
 * to DIR/mapfile.map, which atomically replaces a file a killed run left.
 * Then polls the shared state word until the writer publishes MAP_FULL
 * (release store; acquire load here) and reads the message. Unlinks the
 * file before exiting.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/mman.h>
#include <unistd.h>

#include "common.h"
#include "mapfile.h"

static struct mapfile *create_map(const char *tmp, const char *path)
{
	struct mapfile *m;
	int fd = open(tmp, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);

	if (fd < 0)
		demo_die(tmp);
	if (ftruncate(fd, sizeof(*m)) < 0)
		demo_die("ftruncate");
	m = mmap(NULL, sizeof(*m), PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (m == MAP_FAILED)
		demo_die("mmap");
	if (close(fd) < 0)
		demo_die("close");
	__atomic_store_n(&m->state, MAP_EMPTY, __ATOMIC_RELEASE);
	if (rename(tmp, path) < 0)
		demo_die("rename");
	return m;
}

int main(int argc, char **argv)
{
	char path[4096], tmp[4096];
	struct mapfile *m;
	int i, rc = 0;

	demo_path(path, sizeof(path), argc, argv, "mapfile.map");
	demo_path(tmp, sizeof(tmp), argc, argv, "mapfile.map.tmp");
	m = create_map(tmp, path);
	demo_ready();
	for (i = 0; __atomic_load_n(&m->state, __ATOMIC_ACQUIRE) != MAP_FULL; i++) {
		if (i >= DEMO_TIMEOUT_S * 1000) {
			fprintf(stderr, "mapfile_reader: no writer within %d s\n", DEMO_TIMEOUT_S);
			rc = 1;
			break;
		}
		demo_sleep_ms(1);
	}
	if (!rc)
		demo_report("received", m->data, m->len <= DEMO_LEN ? m->len : 0);
	if (munmap(m, sizeof(*m)) < 0 || unlink(path) < 0)
		demo_die("cleanup");
	return rc;
}
