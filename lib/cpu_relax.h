/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * ipcx_cpu_relax(): the hint a busy-wait loop gives the CPU on each turn,
 * as the kernel's cpu_relax() (arch/x86: "pause"; arch/arm64: "yield").
 * It lets a sibling hyper-thread run, saves power and, on x86, avoids the
 * memory-order mis-speculation flush when the awaited store arrives.
 * Elsewhere only a compiler barrier: the loop re-reads memory each turn.
 * Self-contained, for the library and the tools that spin the same way.
 */
#ifndef LIBIPCX_CPU_RELAX_H
#define LIBIPCX_CPU_RELAX_H

static inline void ipcx_cpu_relax(void)
{
#if defined(__x86_64__) || defined(__i386__)
	__builtin_ia32_pause();
#elif defined(__aarch64__)
	__asm__ __volatile__("yield" ::: "memory");
#else
	__atomic_signal_fence(__ATOMIC_SEQ_CST);
#endif
}

#endif
