// SPDX-License-Identifier: GPL-2.0
/*
 * Message workloads. Every payload is checked (payload.c): a row whose
 * mechanism loses, reorders or corrupts a message fails, it never wins.
 *
 *   ping-pong   side 0 sends size bytes, side 1 echoes them; each round
 *               trip is timed; side 1 checks what it got after replying,
 *               side 0 checks every echo after stopping the clock
 *   throughput  side 0 sends n messages, side 1 receives and checks each
 *               (reading every byte is part of the cost, as for a real
 *               consumer), in place where the mechanism lends it
 *               (recv_view); time from the first measured send to the
 *               last receive
 *   wake-up     side 1 sleeps in recv; side 0 waits 1 ms, stamps the time
 *               into an 8-byte message and sends it; side 1 subtracts
 *   memcpy      the throughput baseline: one process copies each message
 *               from one buffer to another and checks it as a receiver
 *               does: what moving a message costs with one copy and no
 *               peer, in the same run ("x mcpy" in the throughput table)
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "work.h"

#define WAKE_GAP_NS 1000000

static void set_seq(void *buf, uint64_t v)
{
	memcpy(buf, &v, sizeof(v));
}

static uint64_t get_seq(const void *buf)
{
	uint64_t v;

	memcpy(&v, buf, sizeof(v));
	return v;
}

static int attach(struct job *j, int side)
{
	int rc = j->m->attach ? j->m->attach(&j->ch, side) : 0;

	return rc ? job_fail(j, rc, "attach") : 0;
}

/* Both sides of a message workload: attach, buffers, then the side's role. */
static int msg_worker(int side, void *arg)
{
	struct job *j = arg;
	void *buf = job_buf(j), *rbuf = job_buf(j);
	int rc = attach(j, side);

	if (!rc && (!buf || !rbuf))
		rc = job_fail(j, -ENOMEM, "buffers");
	if (!rc)
		rc = j->role[side](j, buf, rbuf);
	free(buf);
	free(rbuf);
	return rc;
}

/*
 * Ping-pong is timed twice: each round trip on its own (the percentiles;
 * each then carries two clock reads, which cost more than a cache-line
 * round trip under an emulator), then batches of PP_BATCH round trips back
 * to back, timed as one (batch_ns), the way the cache-line row is timed.
 * Ratios against that row use batch_ns.
 */
#define PP_BATCH	20
#define PP_MIN_BATCHES	5

static int pp_batches(const struct job *j)
{
	int n = j->reps / PP_BATCH;

	return n < PP_MIN_BATCHES ? 0 : n;
}

/* Echo, then check what came in (after the reply, off the leader's clock). */
static int pp_echo(struct job *j, void *buf, void *rbuf)
{
	uint64_t base = payload_expect(j->size, 0) - 1;
	int i, rc, n = j->warmup + j->reps + pp_batches(j) * PP_BATCH;

	(void)rbuf;
	for (i = 0; i < n; i++) {
		rc = j->m->recv(&j->ch, 1, buf, j->size);
		if (rc)
			return job_fail(j, rc, "echo recv");
		rc = j->m->send(&j->ch, 1, buf, j->size);
		if (rc)
			return job_fail(j, rc, "echo send");
		if (payload_sum(buf, j->size) != base + (uint64_t)i + 1)
			return job_fail(j, 0, "received payload checksum");
	}
	return 0;
}

/* One round trip of message seq (buf gets it, rbuf the echo): 0 or failed. */
static int pp_trip(struct job *j, void *buf, void *rbuf, uint64_t seq)
{
	int rc;

	set_seq(buf, seq);
	rc = j->m->send(&j->ch, 0, buf, j->size);
	if (rc)
		return job_fail(j, rc, "send");
	rc = j->m->recv(&j->ch, 0, rbuf, j->size);
	if (rc)
		return job_fail(j, rc, "recv");
	return 0;
}

static int pp_lead(struct job *j, void *buf, void *rbuf)
{
	uint64_t base = payload_expect(j->size, 0) - 1, t0;
	int i, b, k, rc, n = j->warmup + j->reps;

	payload_fill(buf, j->size, 0);
	for (i = 0; i < n; i++) {
		t0 = now_ns();
		rc = pp_trip(j, buf, rbuf, (uint64_t)i + 1);
		if (rc)
			return rc;
		if (i >= j->warmup)
			j->sh->lat[i - j->warmup] = (double)(now_ns() - t0);
		if (payload_sum(rbuf, j->size) != base + (uint64_t)i + 1)
			return job_fail(j, 0, "echoed payload checksum");
		j->sh->checked++;
	}
	/* the batches: the sequence number is checked, the sum after each */
	for (b = 0; b < pp_batches(j); b++) {
		t0 = now_ns();
		for (k = 0; k < PP_BATCH; k++, i++) {
			rc = pp_trip(j, buf, rbuf, (uint64_t)i + 1);
			if (rc)
				return rc;
			if (get_seq(rbuf) != (uint64_t)i + 1)
				return job_fail(j, 0, "echoed message order");
		}
		j->sh->lat[j->reps + b] = (double)(now_ns() - t0) / PP_BATCH;
		if (payload_sum(rbuf, j->size) != base + (uint64_t)i)
			return job_fail(j, 0, "echoed payload checksum");
	}
	return 0;
}

static void pp_done(struct job *j)
{
	struct bench_stats st;
	int nb = pp_batches(j);

	job_stats(j);
	if (!nb)
		return;
	stats_compute(j->sh->lat + j->reps, nb, &st);
	j->row->batch_ns = st.p50;
}

void work_pingpong(struct job *j)
{
	j->role[0] = pp_lead;
	j->role[1] = pp_echo;
	j->reps = reps_for(j->prof->pp_reps, j->size);
	j->warmup = j->prof->warmup;
	job_measure(j, j->reps + pp_batches(j), j->size, 2, j->row->cpus, msg_worker, pp_done);
}

static int tp_send(struct job *j, void *buf, void *rbuf)
{
	int i, rc, n = j->warmup + j->reps;

	(void)rbuf;
	payload_fill(buf, j->size, 0);
	for (i = 0; i < n; i++) {
		if (i == j->warmup)
			j->sh->t_start = now_ns();
		set_seq(buf, (uint64_t)i + 1);
		rc = j->m->send(&j->ch, 0, buf, j->size);
		if (rc)
			return job_fail(j, rc, "send");
	}
	return 0;
}

static int tp_recv(struct job *j, void *buf, void *rbuf)
{
	uint64_t base = payload_expect(j->size, 0) - 1;
	int i, rc, n = j->warmup + j->reps;
	const void *msg = buf;

	(void)rbuf;
	for (i = 0; i < n; i++) {
		if (j->m->recv_view)
			rc = j->m->recv_view(&j->ch, 1, &msg, j->size);
		else
			rc = j->m->recv(&j->ch, 1, buf, j->size);
		if (rc)
			return job_fail(j, rc, "recv");
		if (get_seq(msg) != (uint64_t)i + 1)
			return job_fail(j, 0, "message order");
		if (payload_sum(msg, j->size) != base + (uint64_t)i + 1)
			return job_fail(j, 0, "payload checksum");
		if (j->m->recv_view && (rc = j->m->release(&j->ch, 1)))
			return job_fail(j, rc, "release");
		j->sh->checked++;
	}
	j->sh->t_end = now_ns();
	return 0;
}

static void tp_done(struct job *j)
{
	double dt = (double)(j->sh->t_end - j->sh->t_start) / 1e9;

	j->row->msgs_s = dt > 0 ? j->reps / dt : 0;
	j->row->gb_s = j->row->msgs_s * (double)j->size / 1e9;
}

static int tp_reps(const struct job *j)
{
	uint64_t n = j->prof->tp_bytes / j->size;

	if (n > (uint64_t)j->prof->tp_max_msgs)
		n = (uint64_t)j->prof->tp_max_msgs;
	return n < 16 ? 16 : (int)n;
}

void work_throughput(struct job *j)
{
	j->role[0] = tp_send;
	j->role[1] = tp_recv;
	j->reps = tp_reps(j);
	j->warmup = j->prof->warmup;
	job_measure(j, 0, j->size, 2, j->row->cpus, msg_worker, tp_done);
}

static int memcpy_worker(int side, void *arg)
{
	struct job *j = arg;
	uint64_t base = payload_expect(j->size, 0) - 1;
	int i, rc = 0, n = j->warmup + j->reps;
	char *src = malloc(j->size), *dst = malloc(j->size);

	(void)side;
	if (!src || !dst) {
		rc = job_fail(j, -ENOMEM, "buffers");
		goto out;
	}
	payload_fill(src, j->size, 0);
	for (i = 0; i < n; i++) {
		if (i == j->warmup)
			j->sh->t_start = now_ns();
		set_seq(src, (uint64_t)i + 1);
		memcpy(dst, src, j->size);
		__asm__ volatile("" : : "r"(dst) : "memory");	/* check the copy */
		if (get_seq(dst) != (uint64_t)i + 1 ||
		    payload_sum(dst, j->size) != base + (uint64_t)i + 1) {
			rc = job_fail(j, 0, "payload checksum");
			goto out;
		}
		j->sh->checked++;
	}
	j->sh->t_end = now_ns();
out:
	free(src);
	free(dst);
	return rc;
}

void work_memcpy(struct job *j)
{
	j->reps = tp_reps(j);
	j->warmup = j->prof->warmup;
	job_measure(j, 0, j->size, 1, j->row->cpus, memcpy_worker, tp_done);
}

static int wake_waiter(struct job *j, void *buf, void *rbuf)
{
	int i, rc, n = j->warmup + j->reps;

	(void)rbuf;
	for (i = 0; i < n; i++) {
		rc = j->m->recv(&j->ch, 1, buf, 8);
		if (rc)
			return job_fail(j, rc, "recv");
		if (i >= j->warmup)
			j->sh->lat[i - j->warmup] = (double)(now_ns() - get_seq(buf));
		rc = j->m->send(&j->ch, 1, buf, 8);
		if (rc)
			return job_fail(j, rc, "ack");
	}
	return 0;
}

static int wake_waker(struct job *j, void *buf, void *rbuf)
{
	struct timespec gap = { 0, WAKE_GAP_NS };
	int i, rc, n = j->warmup + j->reps;
	uint64_t t;

	(void)rbuf;
	for (i = 0; i < n; i++) {
		nanosleep(&gap, NULL);
		t = now_ns();
		set_seq(buf, t);
		rc = j->m->send(&j->ch, 0, buf, 8);
		if (rc)
			return job_fail(j, rc, "send");
		rc = j->m->recv(&j->ch, 0, buf, 8);
		if (rc)
			return job_fail(j, rc, "recv ack");
		if (get_seq(buf) != t)
			return job_fail(j, 0, "ack payload");
		j->sh->checked++;
	}
	return 0;
}

void work_wake(struct job *j)
{
	j->role[0] = wake_waker;
	j->role[1] = wake_waiter;
	j->size = 8;
	j->reps = j->prof->wake_reps;
	j->warmup = 2;
	job_measure(j, j->reps, 8, 2, j->row->cpus, msg_worker, job_stats);
}
