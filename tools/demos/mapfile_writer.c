// SPDX-License-Identifier: GPL-2.0
/*
 * A mapped file shared by two processes, writer side.
 * usage: mapfile_writer [DIR]
 *
 * Waits for DIR/mapfile.map, maps it shared, writes the message, then
 * publishes it with a release store of MAP_FULL into the state word.
 */
#include <fcntl.h>
#include <stdio.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common.h"
#include "mapfile.h"

int main(int argc, char **argv)
{
	struct mapfile *m;
	char path[4096];
	struct stat st;
	int fd;

	demo_path(path, sizeof(path), argc, argv, "mapfile.map");
	demo_wait_for(path);
	fd = open(path, O_RDWR | O_CLOEXEC);
	if (fd < 0)
		demo_die(path);
	if (fstat(fd, &st) < 0)
		demo_die("fstat");
	if ((size_t)st.st_size < sizeof(*m)) {
		fprintf(stderr, "mapfile_writer: %s is too small\n", path);
		return 1;
	}
	m = mmap(NULL, sizeof(*m), PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (m == MAP_FAILED)
		demo_die("mmap");
	if (close(fd) < 0)
		demo_die("close");
	demo_payload(m->data, DEMO_LEN);
	m->len = DEMO_LEN;
	demo_report("sent", m->data, m->len);
	__atomic_store_n(&m->state, MAP_FULL, __ATOMIC_RELEASE);
	if (munmap(m, sizeof(*m)) < 0)
		demo_die("munmap");
	return 0;
}
