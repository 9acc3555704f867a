// SPDX-License-Identifier: GPL-2.0-only
/*
 * luo_demo: a live update a person can watch.
 *
 * Stage 1 (old kernel): create DEMO_SESSIONS LUO sessions, each holding
 * DEMO_FILES memfds of different sizes filled with a pattern derived from
 * (session, file, offset), run the series' pre-flight tool
 * (tools/kho/kho-preflight) on the kernel about to be kexec'ed and show its
 * report, then let init kexec into the new kernel.
 * Stage 2 (new kernel): retrieve every session and file, compare every byte
 * with the pattern, finish the sessions and print a report.
 *
 * Run by tools/testing/selftests/liveupdate/init.c as /test_binary, like the
 * kexec selftests; built with nolibc and the selftests' libliveupdate.
 *
 * Time is taken with the TSC, which keeps counting across the kexec (the
 * guest's CLOCK_MONOTONIC starts again at zero in the new kernel). Stage 1
 * calibrates it against CLOCK_MONOTONIC and stores the rate and the TSC at
 * the kexec call in a preserved memfd of its own (the page stays the same
 * physical page after preservation, so the last write survives).
 */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <libliveupdate.h>

#include "../guest/clock.h"

#define STATE_SESSION_NAME	"luo_demo_state"
#define STATE_MEMFD_TOKEN	999
#define CLOCK_MEMFD_TOKEN	998
#define DEMO_SESSIONS		4
#define DEMO_FILES		3
#define DEMO_MAGIC		0x4c554f44454d4f31ULL	/* "LUODEMO1" */

static const unsigned long file_size[DEMO_FILES] = {
	64UL << 10, 1UL << 20, 4UL << 20,
};

struct demo_clock {
	unsigned long long magic;
	unsigned long long tsc_per_ms;
	unsigned long long tsc_kexec;
};

/* The pattern: a 64-bit xorshift of (session, file, word index). */
static unsigned long long pattern(int s, int f, unsigned long i)
{
	unsigned long long x = ((unsigned long long)s << 48) ^
			       ((unsigned long long)f << 40) ^ i ^ DEMO_MAGIC;

	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	return x;
}

static void session_name(char *buf, size_t len, int s)
{
	snprintf(buf, len, "demo-vm%d", s);
}

static void *map_memfd(int fd, unsigned long size, int prot)
{
	void *p = mmap(NULL, size, prot, MAP_SHARED, fd, 0);

	if (p == MAP_FAILED)
		fail_exit("mmap of %lu bytes", size);
	return p;
}

/*
 * The pre-flight check: what the next kernel (/kernel, the image init
 * kexecs) will read of this kernel's handover, line by line in the report.
 * Everything must be kept: the next kernel is this one.
 */
static void preflight(void)
{
	char *const argv[] = { "/kho-preflight", "/kernel", NULL };
	char buf[4096], *line, *nl;
	int fds[2], status;
	size_t len = 0;
	ssize_t n;
	pid_t pid;

	if (access(argv[0], X_OK)) {
		ksft_print_msg("DEMO: pre-flight: no %s in the initrd, skipped\n", argv[0]);
		return;
	}
	mkdir("/sys", 0755);
	if (mount("sysfs", "/sys", "sysfs", 0, NULL) && errno != EBUSY)
		fail_exit("mount sysfs");
	if (pipe(fds))
		fail_exit("pipe");
	pid = fork();
	if (pid < 0)
		fail_exit("fork");
	if (!pid) {
		dup2(fds[1], 1);
		dup2(fds[1], 2);
		close(fds[0]);
		execve(argv[0], argv, NULL);
		_exit(127);
	}
	close(fds[1]);
	while (len < sizeof(buf) - 1 &&
	       (n = read(fds[0], buf + len, sizeof(buf) - 1 - len)) > 0)
		len += n;
	buf[len] = 0;
	close(fds[0]);
	if (waitpid(pid, &status, 0) != pid)
		fail_exit("waitpid");
	for (line = buf; *line; line = nl + 1) {
		nl = strchr(line, '\n');
		if (!nl)
			nl = line + strlen(line) - 1;
		else
			*nl = 0;
		ksft_print_msg("DEMO: pre-flight: %s\n", line);
	}
	if (!WIFEXITED(status) || WEXITSTATUS(status))
		fail_exit("the pre-flight check says the next kernel would not read everything (status %d)",
			  WIFEXITED(status) ? WEXITSTATUS(status) : -1);
}

static void run_stage_1(int luo_fd)
{
	unsigned long long total = 0;
	struct demo_clock *clk;
	int s, f, cfd;

	create_state_file(luo_fd, STATE_SESSION_NAME, STATE_MEMFD_TOKEN, 2);

	for (s = 0; s < DEMO_SESSIONS; s++) {
		char name[LIVEUPDATE_SESSION_NAME_LENGTH];
		int sfd;

		session_name(name, sizeof(name), s);
		sfd = luo_create_session(luo_fd, name);
		if (sfd < 0)
			fail_exit("create session %s", name);

		for (f = 0; f < DEMO_FILES; f++) {
			unsigned long long *p;
			unsigned long i;
			int mfd;

			mfd = memfd_create("luo_demo", 0);
			if (mfd < 0 || ftruncate(mfd, file_size[f]))
				fail_exit("memfd of %lu bytes", file_size[f]);
			p = map_memfd(mfd, file_size[f], PROT_READ | PROT_WRITE);
			for (i = 0; i < file_size[f] / sizeof(*p); i++)
				p[i] = pattern(s, f, i);
			munmap(p, file_size[f]);
			if (luo_session_preserve_fd(sfd, mfd, f + 1))
				fail_exit("preserve file %d of %s", f + 1, name);
			close(mfd);
			total += file_size[f];
		}
		ksft_print_msg("DEMO: session %s: %d memfds preserved\n", name, DEMO_FILES);
	}
	ksft_print_msg("DEMO: preserved %d sessions, %d files, %llu bytes\n",
		       DEMO_SESSIONS, DEMO_SESSIONS * DEMO_FILES, total);

	/* The clock page: a preserved memfd of its own, written last. */
	cfd = memfd_create("luo_demo_clock", 0);
	if (cfd < 0 || ftruncate(cfd, getpagesize()))
		fail_exit("clock memfd");
	clk = map_memfd(cfd, getpagesize(), PROT_READ | PROT_WRITE);
	clk->magic = DEMO_MAGIC;
	clk->tsc_per_ms = tsc_per_ms();

	s = luo_create_session(luo_fd, "luo_demo_clock");
	if (s < 0 || luo_session_preserve_fd(s, cfd, CLOCK_MEMFD_TOKEN))
		fail_exit("preserve clock memfd");

	preflight();
	ksft_print_msg("DEMO: kexec into the new kernel\n");
	close(luo_fd);
	clk->tsc_kexec = rdtsc();
	daemonize_and_wait();
}

static void run_stage_2(int luo_fd, int state_session_fd)
{
	unsigned long long boot_ns = now_ns(CLOCK_BOOTTIME);
	unsigned long long verified = 0, bad = 0, t_done;
	struct demo_clock *clk;
	int s, f, cs, cfd, stage;

	restore_and_read_stage(state_session_fd, STATE_MEMFD_TOKEN, &stage);
	if (stage != 2)
		fail_exit("expected stage 2, state file says %d", stage);

	for (s = 0; s < DEMO_SESSIONS; s++) {
		char name[LIVEUPDATE_SESSION_NAME_LENGTH];
		int sfd;

		session_name(name, sizeof(name), s);
		sfd = luo_retrieve_session(luo_fd, name);
		if (sfd < 0)
			fail_exit("retrieve session %s", name);

		for (f = 0; f < DEMO_FILES; f++) {
			unsigned long long *p;
			unsigned long i, n = 0;
			int mfd;

			mfd = luo_session_retrieve_fd(sfd, f + 1);
			if (mfd < 0)
				fail_exit("retrieve file %d of %s", f + 1, name);
			if (lseek(mfd, 0, SEEK_END) != (off_t)file_size[f])
				fail_exit("file %d of %s: wrong size", f + 1, name);
			p = map_memfd(mfd, file_size[f], PROT_READ);
			for (i = 0; i < file_size[f] / sizeof(*p); i++) {
				if (p[i] != pattern(s, f, i)) {
					if (!n)
						ksft_print_msg("DEMO: MISMATCH %s file %d at byte %lu\n",
							       name, f + 1, i * sizeof(*p));
					n++;
				}
			}
			munmap(p, file_size[f]);
			close(mfd);
			bad += n * sizeof(*p);
			verified += file_size[f] - n * sizeof(*p);
		}
		if (luo_session_finish(sfd) < 0)
			fail_exit("finish session %s", name);
		close(sfd);
	}
	t_done = rdtsc();

	cs = luo_retrieve_session(luo_fd, "luo_demo_clock");
	cfd = cs < 0 ? -1 : luo_session_retrieve_fd(cs, CLOCK_MEMFD_TOKEN);
	if (cfd < 0)
		fail_exit("retrieve clock memfd");
	clk = map_memfd(cfd, getpagesize(), PROT_READ);

	ksft_print_msg("DEMO: sessions restored: %d, files restored: %d\n",
		       DEMO_SESSIONS, DEMO_SESSIONS * DEMO_FILES);
	ksft_print_msg("DEMO: bytes verified: %llu, bytes differing: %llu\n",
		       verified, bad);
	ksft_print_msg("DEMO: new kernel: boot to userspace %llu ms\n",
		       boot_ns / 1000000);
	if (clk->magic == DEMO_MAGIC && clk->tsc_per_ms && t_done > clk->tsc_kexec)
		ksft_print_msg("DEMO: kexec call to verified restore: %llu ms (TSC, %llu kHz)\n",
			       (t_done - clk->tsc_kexec) / clk->tsc_per_ms,
			       clk->tsc_per_ms);
	else
		ksft_print_msg("DEMO: kexec call to verified restore: unknown (clock page invalid)\n");
	munmap(clk, getpagesize());
	close(cfd);
	luo_session_finish(cs);
	close(cs);

	if (luo_session_finish(state_session_fd) < 0)
		fail_exit("finish state session");
	close(state_session_fd);

	if (bad)
		ksft_exit_fail_msg("DEMO RESULT: FAIL (%llu bytes differ)\n", bad);
	ksft_print_msg("DEMO RESULT: PASS\n");
	ksft_print_msg("--- LUO DEMO TEST PASSED ---\n");
}

int main(int argc, char *argv[])
{
	return luo_test(argc, argv, STATE_SESSION_NAME, run_stage_1, run_stage_2);
}
