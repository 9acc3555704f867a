/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Clocks of the guest programs (demo/luo_demo.c, bench/luo_bench_mem.c),
 * built with nolibc by scripts/initrd.sh.
 *
 * The TSC of a virtual CPU runs on across a kexec, so one read before the
 * kexec and one after measure the jump between the two kernels, which
 * CLOCK_MONOTONIC and CLOCK_BOOTTIME (restarted by the new kernel) cannot.
 */
#ifndef GUEST_CLOCK_H
#define GUEST_CLOCK_H

#include <time.h>

static inline unsigned long long rdtsc(void)
{
	unsigned int lo, hi;

	__asm__ __volatile__("lfence; rdtsc" : "=a"(lo), "=d"(hi));
	return ((unsigned long long)hi << 32) | lo;
}

static inline unsigned long long now_ns(clockid_t clk)
{
	struct timespec ts;

	clock_gettime(clk, &ts);
	return ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

/* TSC ticks per millisecond, measured against CLOCK_MONOTONIC over 200 ms. */
static inline unsigned long long tsc_per_ms(void)
{
	unsigned long long t0 = now_ns(CLOCK_MONOTONIC), c0 = rdtsc(), t1;

	do {
		t1 = now_ns(CLOCK_MONOTONIC);
	} while (t1 - t0 < 200000000ULL);

	return (rdtsc() - c0) * 1000000ULL / (t1 - t0);
}

#endif /* GUEST_CLOCK_H */
