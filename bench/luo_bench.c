// SPDX-License-Identifier: GPL-2.0-only
/*
 * luo_bench: the guest side of "make bench".
 *
 * Built once per configuration with -DBENCH_FILES=0|1 (N sessions, or N
 * files in one session), -DBENCH_N=<count> and -DBENCH_RANDOM=0|1 (retrieval
 * in creation order or in a shuffled order), and run by the selftest init
 * (tools/testing/selftests/liveupdate/init.c) like a kexec selftest.
 *
 * Stage 1 creates the sessions (or preserves the files) and times that.
 * Stage 2 reads, in the new kernel: CLOCK_BOOTTIME when the program starts
 * (boot to userspace), CLOCK_BOOTTIME once /dev/liveupdate is open (the open
 * deserializes the incoming sessions), MemTotal before anything is restored
 * (memory the new kernel keeps reserved for preserved data), and the time to
 * retrieve and finish everything. Files are one page each and hold their
 * index, which stage 2 checks. Stage 1 also reports the cost per create (or
 * preserve) of the first and of the last eighth of the loop: flat when
 * creation is linear, growing when it is not, whatever the working set.
 * Results are printed as "BENCH key=value" lines.
 */

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include <libliveupdate.h>

#ifndef BENCH_N
#define BENCH_N 2000
#endif
#ifndef BENCH_FILES
#define BENCH_FILES 0
#endif
#ifndef BENCH_RANDOM
#define BENCH_RANDOM 0
#endif

#define STATE_SESSION_NAME	"luo_bench_state"
#define STATE_MEMFD_TOKEN	999
#define FILES_SESSION_NAME	"luo_bench_files"
#define FILE_TOKEN(i)		(0x10000ULL + (i))

static unsigned long long boot_main_ms;
static long memtotal_kb;
static int fds[BENCH_N];
static int order[BENCH_N];

/* Microseconds spent in the first and in the last eighth of a create loop. */
static unsigned long long first_us, last_us;

static void eighths(int i, unsigned long long t0, unsigned long long now)
{
	if (i + 1 == BENCH_N / 8)
		first_us = now - t0;
	if (i + 1 == BENCH_N - BENCH_N / 8)
		last_us = now;
	if (i + 1 == BENCH_N)
		last_us = now - last_us;
}

static unsigned long long now_us(clockid_t clk)
{
	struct timespec ts;

	clock_gettime(clk, &ts);
	return ts.tv_sec * 1000000ULL + ts.tv_nsec / 1000;
}

static long read_memtotal_kb(void)
{
	char buf[256];
	long kb = -1;
	ssize_t n;
	int fd;

	fd = open("/proc/meminfo", O_RDONLY);
	if (fd < 0)
		return -1;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n > 0) {
		buf[n] = 0;
		sscanf(buf, "MemTotal: %ld kB", &kb);
	}
	return kb;
}

static void session_name(char *buf, size_t len, int i)
{
	snprintf(buf, len, "bench-%d", i);
}

static void make_order(void)
{
	unsigned int seed = 4242;
	int i;

	for (i = 0; i < BENCH_N; i++)
		order[i] = i;
	if (!BENCH_RANDOM)
		return;
	for (i = BENCH_N - 1; i > 0; i--) {
		int j, t;

		seed = seed * 1103515245 + 12345;
		j = (seed >> 8) % (i + 1);
		t = order[i];
		order[i] = order[j];
		order[j] = t;
	}
}

static void run_stage_1(int luo_fd)
{
	unsigned long long t0, t1;
	int i, ret;

	ret = luo_ensure_nofile_limit(BENCH_N + 64);
	if (ret < 0)
		ksft_exit_fail_msg("luo_ensure_nofile_limit: %s\n", strerror(-ret));
	create_state_file(luo_fd, STATE_SESSION_NAME, STATE_MEMFD_TOKEN, 2);

	if (!BENCH_FILES) {
		t0 = now_us(CLOCK_MONOTONIC);
		for (i = 0; i < BENCH_N; i++) {
			char name[LIVEUPDATE_SESSION_NAME_LENGTH];

			session_name(name, sizeof(name), i);
			fds[i] = luo_create_session(luo_fd, name);
			if (fds[i] < 0)
				fail_exit("create session %d", i);
			eighths(i, t0, now_us(CLOCK_MONOTONIC));
		}
		t1 = now_us(CLOCK_MONOTONIC);
	} else {
		int sfd = luo_create_session(luo_fd, FILES_SESSION_NAME);

		if (sfd < 0)
			fail_exit("create files session");
		for (i = 0; i < BENCH_N; i++) {
			fds[i] = memfd_create("luo_bench", 0);
			if (fds[i] < 0 || ftruncate(fds[i], getpagesize()) ||
			    write(fds[i], &i, sizeof(i)) != sizeof(i))
				fail_exit("memfd %d", i);
		}
		t0 = now_us(CLOCK_MONOTONIC);
		for (i = 0; i < BENCH_N; i++) {
			if (luo_session_preserve_fd(sfd, fds[i], FILE_TOKEN(i)))
				fail_exit("preserve file %d", i);
			eighths(i, t0, now_us(CLOCK_MONOTONIC));
		}
		t1 = now_us(CLOCK_MONOTONIC);
		for (i = 0; i < BENCH_N; i++)
			close(fds[i]);
	}
	ksft_print_msg("BENCH create_us=%llu first8_ns=%llu last8_ns=%llu\n", t1 - t0,
		       first_us * 1000 / (BENCH_N / 8), last_us * 1000 / (BENCH_N / 8));

	close(luo_fd);
	daemonize_and_wait();
}

static void run_stage_2(int luo_fd, int state_session_fd)
{
	unsigned long long ready_ms = now_us(CLOCK_BOOTTIME) / 1000;
	unsigned long long t0, t1;
	int i, stage;

	restore_and_read_stage(state_session_fd, STATE_MEMFD_TOKEN, &stage);
	if (stage != 2)
		fail_exit("expected stage 2, state file says %d", stage);
	make_order();

	t0 = now_us(CLOCK_MONOTONIC);
	if (!BENCH_FILES) {
		for (i = 0; i < BENCH_N; i++) {
			char name[LIVEUPDATE_SESSION_NAME_LENGTH];
			int sfd;

			session_name(name, sizeof(name), order[i]);
			sfd = luo_retrieve_session(luo_fd, name);
			if (sfd < 0)
				fail_exit("retrieve session %s", name);
			if (luo_session_finish(sfd) < 0)
				fail_exit("finish session %s", name);
			close(sfd);
		}
	} else {
		int sfd = luo_retrieve_session(luo_fd, FILES_SESSION_NAME);

		if (sfd < 0)
			fail_exit("retrieve files session");
		for (i = 0; i < BENCH_N; i++) {
			int v = -1, mfd;

			mfd = luo_session_retrieve_fd(sfd, FILE_TOKEN(order[i]));
			if (mfd < 0)
				fail_exit("retrieve file %d", order[i]);
			if (lseek(mfd, 0, SEEK_SET) != 0 ||
			    read(mfd, &v, sizeof(v)) != sizeof(v) || v != order[i])
				ksft_exit_fail_msg("file %d holds %d\n", order[i], v);
			close(mfd);
		}
		if (luo_session_finish(sfd) < 0)
			fail_exit("finish files session");
		close(sfd);
	}
	t1 = now_us(CLOCK_MONOTONIC);

	luo_session_finish(state_session_fd);
	close(state_session_fd);

	ksft_print_msg("BENCH boot_ms=%llu ready_ms=%llu memtotal_kb=%ld retrieve_us=%llu\n",
		       boot_main_ms, ready_ms, memtotal_kb, t1 - t0);
	ksft_print_msg("--- LUO BENCH TEST PASSED ---\n");
}

int main(int argc, char *argv[])
{
	boot_main_ms = now_us(CLOCK_BOOTTIME) / 1000;
	memtotal_kb = read_memtotal_kb();
	return luo_test(argc, argv, STATE_SESSION_NAME, run_stage_1, run_stage_2);
}
