// SPDX-License-Identifier: GPL-2.0-only
/*
 * luo_bench_mem: the guest side of the memory axis of "make bench".
 *
 * Built once per configuration with -DBENCH_MIB=<size of the memfd in MiB>,
 * and run by the selftest init (tools/testing/selftests/liveupdate/init.c)
 * like a kexec selftest. Whether the memfd is in 4 KiB pages or in large
 * folios is the kernel's choice: the bench boots with
 * transparent_hugepage_shmem=always for large folios.
 *
 * Stage 1 fills one memfd with a pattern, preserves it (timed), and writes
 * a marker to the kernel log as it hands over to the init, which loads the
 * next kernel and reboots into it: from the marker to the kernel's
 * "Starting new kernel" is the kexec load by the init and the old kernel's
 * freeze and serialization, in its printk timestamps. (A kexec_file_load()
 * from this program itself fails with ENOSYS on these kernels, for a
 * reason not found yet; the init's works.)
 *
 * Stage 2 reads, in the new kernel: CLOCK_BOOTTIME when the program starts
 * (boot to userspace), then times the retrieval of the memfd, the first
 * touch of every page, the check of every byte, and the finish.
 *
 * The TSC runs on across the kexec (same virtual CPU): stage 1 prints it
 * right before the marker, stage 2 when it starts and once the memfd is
 * retrieved, and both print its frequency, measured against
 * CLOCK_MONOTONIC. The harness derives the kexec jump and the blackout
 * (from the marker to the retrieved memfd) from them.
 *
 * With -DBENCH_EARLY=1, stage 1 preserves the memfd right after sizing it
 * and fills it after: the preserve then allocates every page itself, under
 * the long-term pin, which keeps them out of CMA and so out of KHO scratch,
 * and nothing has to be migrated. The fill writes to the preserved pages.
 *
 * Results are printed as "BENCH key=value" lines.
 */

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include <libliveupdate.h>

#include "../guest/clock.h"

#ifndef BENCH_MIB
#define BENCH_MIB 128
#endif

#ifndef BENCH_EARLY
#define BENCH_EARLY 0
#endif

#ifndef ARRAY_SIZE
#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
#endif

#define BENCH_SIZE		((unsigned long)BENCH_MIB << 20)
#define STATE_SESSION_NAME	"luo_bench_mem_state"
#define STATE_MEMFD_TOKEN	999
#define MEM_SESSION_NAME	"luo_bench_mem"
#define MEM_TOKEN		0x4d454dULL
#define PATTERN_SEED		0x9e3779b97f4a7c15ULL


static unsigned long long boot_main_ms, tsc_at_main;

static unsigned long long word(unsigned long i)
{
	return (i * PATTERN_SEED) ^ (i >> 7);
}

/*
 * The counters of /proc/vmstat and /proc/meminfo that say where the
 * preserve time goes: pages migrated (out of CMA, which is where KHO's
 * scratch lives, for the long-term pin), compaction and reclaim.
 */
static const char * const vm_keys[] = {
	"pgmigrate_success", "pgmigrate_fail", "compact_stall",
	"compact_migrate_scanned", "pgscan_direct", "pgsteal_direct",
	"allocstall_normal", "allocstall_movable",
};

static const char * const mem_keys[] = { "CmaTotal:", "CmaFree:", "MemFree:" };

static long read_key(const char *path, const char *key)
{
	static char buf[16384];
	char *p;
	ssize_t n;
	int fd;

	fd = open(path, O_RDONLY);
	if (fd < 0)
		return -1;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return -1;
	buf[n] = 0;
	for (p = buf; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : p) {
		size_t len = strlen(key);

		if (!strncmp(p, key, len) && (p[len] == ' ' || p[len] == '\t')) {
			for (p += len; *p == ' ' || *p == '\t'; p++)
				;
			return atol(p);
		}
	}
	return -1;
}

static void read_vm(long *v)
{
	for (unsigned int i = 0; i < ARRAY_SIZE(vm_keys); i++)
		v[i] = read_key("/proc/vmstat", vm_keys[i]);
}

static void write_file(const char *path, const char *s)
{
	int fd = open(path, O_WRONLY);

	if (fd < 0 || write(fd, s, strlen(s)) != (ssize_t)strlen(s))
		ksft_print_msg("cannot write '%s' to %s\n", s, path);
	if (fd >= 0)
		close(fd);
}

/*
 * The last thing stage 1 does: from the marker on, every kernel message
 * reaches the console; the init then loads the next kernel and reboots.
 */
static void mark_reboot(unsigned long long tsc_ms)
{
	write_file("/proc/sys/kernel/printk", "7");
	ksft_print_msg("BENCH tsc_per_ms1=%llu\n", tsc_ms);
	ksft_print_msg("BENCH tsc_reboot=%llu\n", rdtsc());
	write_file("/dev/kmsg", "<5>luo_bench_mem: reboot\n");
}

/* Fill the memfd with the pattern; returns the time it took, in ns. */
static unsigned long long fill_memfd(int mfd)
{
	unsigned long *p, i, n = BENCH_SIZE / sizeof(*p);
	unsigned long long t0;

	p = mmap(NULL, BENCH_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, mfd, 0);
	if (p == MAP_FAILED)
		fail_exit("mmap");
	t0 = now_ns(CLOCK_MONOTONIC);
	for (i = 0; i < n; i++)
		p[i] = word(i);
	t0 = now_ns(CLOCK_MONOTONIC) - t0;
	munmap(p, BENCH_SIZE);
	return t0;
}

static void run_stage_1(int luo_fd)
{
	long vm0[ARRAY_SIZE(vm_keys)], vm1[ARRAY_SIZE(vm_keys)];
	unsigned long long t1, t2, fill, tsc_ms;
	unsigned long i;
	int sfd, mfd;

	create_state_file(luo_fd, STATE_SESSION_NAME, STATE_MEMFD_TOKEN, 2);
	sfd = luo_create_session(luo_fd, MEM_SESSION_NAME);
	if (sfd < 0)
		fail_exit("create session");

	mfd = memfd_create("luo_bench_mem", 0);
	if (mfd < 0 || ftruncate(mfd, BENCH_SIZE))
		fail_exit("memfd of %d MiB", BENCH_MIB);
	if (!BENCH_EARLY)
		fill = fill_memfd(mfd);

	for (i = 0; i < ARRAY_SIZE(mem_keys); i++)
		ksft_print_msg("BENCH pre_%.*s_kb=%ld\n",
			       (int)strlen(mem_keys[i]) - 1, mem_keys[i],
			       read_key("/proc/meminfo", mem_keys[i]));
	read_vm(vm0);
	t1 = now_ns(CLOCK_MONOTONIC);
	if (luo_session_preserve_fd(sfd, mfd, MEM_TOKEN))
		fail_exit("preserve the memfd");
	t2 = now_ns(CLOCK_MONOTONIC);
	read_vm(vm1);
	for (i = 0; i < ARRAY_SIZE(vm_keys); i++)
		ksft_print_msg("BENCH preserve_%s=%ld\n", vm_keys[i],
			       vm1[i] - vm0[i]);
	if (BENCH_EARLY)
		fill = fill_memfd(mfd);

	ksft_print_msg("BENCH fill_us=%llu preserve_us=%llu\n",
		       fill / 1000, (t2 - t1) / 1000);

	tsc_ms = tsc_per_ms();
	close(luo_fd);
	mark_reboot(tsc_ms);
	daemonize_and_wait();
}

static void run_stage_2(int luo_fd, int state_session_fd)
{
	unsigned long long tsc_main, tsc_ret, t0, t1, t2, t3, t4;
	unsigned long *p, i, n = BENCH_SIZE / sizeof(*p), bad = 0;
	long page = getpagesize();
	volatile unsigned long sink = 0;
	int stage, sfd, mfd;

	tsc_main = tsc_at_main;
	restore_and_read_stage(state_session_fd, STATE_MEMFD_TOKEN, &stage);
	if (stage != 2)
		fail_exit("expected stage 2, state file says %d", stage);

	t0 = now_ns(CLOCK_MONOTONIC);
	sfd = luo_retrieve_session(luo_fd, MEM_SESSION_NAME);
	if (sfd < 0)
		fail_exit("retrieve the session");
	mfd = luo_session_retrieve_fd(sfd, MEM_TOKEN);
	if (mfd < 0)
		fail_exit("retrieve the memfd");
	tsc_ret = rdtsc();
	t1 = now_ns(CLOCK_MONOTONIC);

	p = mmap(NULL, BENCH_SIZE, PROT_READ, MAP_SHARED, mfd, 0);
	if (p == MAP_FAILED)
		fail_exit("mmap");
	for (i = 0; i < n; i += page / sizeof(*p))
		sink += p[i];
	t2 = now_ns(CLOCK_MONOTONIC);
	for (i = 0; i < n; i++)
		bad += p[i] != word(i);
	t3 = now_ns(CLOCK_MONOTONIC);
	munmap(p, BENCH_SIZE);
	if (bad)
		ksft_exit_fail_msg("%lu of %lu words differ after the kexec\n",
				   bad, n);

	close(mfd);
	if (luo_session_finish(sfd) < 0)
		fail_exit("finish the session");
	close(sfd);
	t4 = now_ns(CLOCK_MONOTONIC);

	luo_session_finish(state_session_fd);
	close(state_session_fd);

	ksft_print_msg("BENCH boot_ms=%llu tsc_main=%llu tsc_retrieved=%llu\n",
		       boot_main_ms, tsc_main, tsc_ret);
	ksft_print_msg("BENCH retrieve_us=%llu touch_us=%llu verify_us=%llu finish_us=%llu\n",
		       (t1 - t0) / 1000, (t2 - t1) / 1000, (t3 - t2) / 1000,
		       (t4 - t3) / 1000);
	ksft_print_msg("BENCH tsc_per_ms2=%llu\n", tsc_per_ms());
	ksft_print_msg("--- LUO BENCH MEM TEST PASSED (%d MiB, every byte checked) ---\n",
		       BENCH_MIB);
}

int main(int argc, char *argv[])
{
	tsc_at_main = rdtsc();
	boot_main_ms = now_ns(CLOCK_BOOTTIME) / 1000000;
	return luo_test(argc, argv, STATE_SESSION_NAME, run_stage_1, run_stage_2);
}
