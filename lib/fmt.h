/*
 * How numbers are shown to people.  Rates are bits per second with SI
 * prefixes (bps, Kbps, Mbps, Gbps, Tbps).  Byte amounts are SI decimal
 * too (B, kB, MB, GB, TB: 1 GB = 10^9 bytes), everywhere, as disks and
 * ISPs bill; files and JSON always hold exact bytes.
 */
#ifndef BW_FMT_H
#define BW_FMT_H

#include <stddef.h>
#include <stdint.h>

#define BW_FMTLEN	32

char	*bw_fmt_bps(char *, size_t, double);
char	*bw_fmt_bytes(char *, size_t, double);
char	*bw_fmt_ratio(char *, size_t, double);
char	*bw_fmt_name(char *, size_t, const char *, int, int);
char	*bw_fmt_time(char *, size_t, int64_t, const char *)
	    __attribute__((format(strftime, 4, 0)));

#endif /* BW_FMT_H */
