/*
 * The chart.  One bucket takes one column or more, so that a short range
 * still fills the terminal; its bar is the bucket's average rate scaled
 * to the busiest bucket of either direction: RX and TX share one scale,
 * labelled at both ends, so that equal heights are equal rates and a
 * trickle of TX under a flood of RX looks like one.  A bucket without a
 * rate sample (none, or only a gap row) stays blank, its axis cell too:
 * a gap is shown as a gap, never as a line drawn across it.
 *
 * The title and the message for a terminal too narrow for the chart are
 * wrapped between whole pieces: a time is never cut.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "chart.h"
#include "fmt.h"

#define LINEMAX	(4 * CHART_MAXWIDTH + 64)	/* UTF-8: 3 bytes a cell */
#define LABELMAX	16

const struct chart_style chart_utf8 = {
	{ " ", "\u2581", "\u2582", "\u2583", "\u2584", "\u2585", "\u2586",
	    "\u2587", "\u2588" },
	{ " ", "\u2580", "\u2588" },
	8, 2,
	"\u2502", "\u2524", "\u253c", "\u2500",
};

const struct chart_style chart_ascii = {
	{ " ", ".", "#" },
	{ " ", "'", "#" },
	2, 2,
	"|", "+", "+", "-",
};

struct line {
	char	buf[LINEMAX];
	size_t	len;
};

static void
put(struct line *l, const char *s)
{
	size_t	n = strlen(s);

	if (l->len + n < sizeof(l->buf)) {
		memcpy(l->buf + l->len, s, n);
		l->len += n;
	}
}

static int
emit(FILE *fp, struct line *l)
{
	/* Trailing blanks only make copied output ragged. */
	while (l->len > 0 && l->buf[l->len - 1] == ' ')
		l->len--;
	l->buf[l->len++] = '\n';
	l->buf[l->len] = '\0';
	l->len = 0;
	return fputs(l->buf, fp) == EOF ? -1 : 0;
}

/*
 * Print n pieces of text joined by blanks, as many to a line as fit in
 * width; a piece wider than width gets a line of its own, whole.
 */
static int
wrap(FILE *fp, int width, const char *const *piece, size_t n)
{
	size_t	i, len = 0, w;

	for (i = 0; i < n; i++) {
		w = strlen(piece[i]);
		if (len > 0 && len + 1 + w > (size_t)width) {
			if (fputc('\n', fp) == EOF)
				return -1;
			len = 0;
		}
		if (len > 0 && fputc(' ', fp) == EOF)
			return -1;
		if (fputs(piece[i], fp) == EOF)
			return -1;
		len += (len > 0) + w;
	}
	return fputc('\n', fp) == EOF ? -1 : 0;
}

/*
 * The title, "eth0, last 1h: FROM to TO", in width columns: on one line
 * when it fits, else what it shows above the two times, else each on a
 * line.  -1 when writing fails.
 */
int
chart_title(FILE *fp, int width, const char *what, const char *from,
    const char *to)
{
	char		span[2 * BW_FMTLEN + 8], last[BW_FMTLEN + 8];
	const char	*two[2], *three[3];

	(void)snprintf(span, sizeof(span), "%s to %s", from, to);
	(void)snprintf(last, sizeof(last), "to %s", to);
	two[0] = three[0] = what;
	two[1] = span;
	three[1] = from;
	three[2] = last;
	if (strlen(span) <= (size_t)width)
		return wrap(fp, width, two, 2);
	return wrap(fp, width, three, 3);
}

/*
 * What a terminal narrower than CHART_MINWIDTH gets instead of the chart
 * and its figures, which would not fit: why, and where the numbers are.
 */
int
chart_narrow(FILE *fp, int width)
{
	char		 text[160], *p, *save;
	const char	*word[32];
	size_t		 n = 0;

	(void)snprintf(text, sizeof(text), "the chart and its figures need "
	    "%d columns, not %d: widen the terminal, or see --csv or "
	    "--json", CHART_MINWIDTH, width);
	for (p = strtok_r(text, " ", &save); p != NULL && n < 32;
	    p = strtok_r(NULL, " ", &save))
		word[n++] = p;
	return wrap(fp, width, word, n);
}

/* The bar columns left for a terminal this wide. */
int
chart_columns(int width)
{
	return width - CHART_GUTTER;
}

static void
gutter(struct line *l, const char *label, const char *edge)
{
	char	buf[LABELMAX];

	(void)snprintf(buf, sizeof(buf), "%*s ", CHART_GUTTER - 2, label);
	put(l, buf);
	put(l, edge);
}

/* Fill levels of a bar, 0 to max; a non-zero rate shows at least one. */
static int
level(double v, double top, int max)
{
	int	n;

	if (v <= 0 || top <= 0)
		return 0;
	n = (int)(v / top * max + 0.5);
	if (n < 1)
		n = 1;
	return n > max ? max : n;
}

static int64_t
floordiv(int64_t a, int64_t b)
{
	return (a >= 0 ? a : a - b + 1) / b;
}

static int64_t
localsecs(int64_t t)
{
	struct tm	tm;
	time_t		tt = (time_t)t;

	if (localtime_r(&tt, &tm) == NULL)
		return t;
	return t + tm.tm_gmtoff;
}

/*
 * Which period of ival seconds of local time a bucket falls in.  Day
 * periods start on Mondays (the epoch was a Thursday) and day buckets
 * are probed at noon, which stays in the right day across DST changes.
 */
static int64_t
period(int64_t start, int64_t step, int64_t ival)
{
	int64_t	l = localsecs(start);

	if (step >= 86400)
		l += 43200;
	if (ival >= 86400)
		l += 3 * 86400;
	return floordiv(l, ival);
}

/*
 * The spacing of time labels: the smallest round interval, a whole
 * number of buckets, that leaves room for a label and two blanks when
 * nb buckets share cols columns.
 */
static int64_t
label_interval(int64_t step, size_t nb, int cols, int lw)
{
	static const int64_t	ivals[] = { 300, 600, 900, 1800, 3600, 7200,
	    10800, 21600, 43200, 86400, 2 * 86400, 3 * 86400, 7 * 86400,
	    14 * 86400, 28 * 86400 };
	size_t			i, need = (size_t)lw + 2;

	for (i = 0; i < sizeof(ivals) / sizeof(ivals[0]); i++)
		if (ivals[i] >= step && ivals[i] % step == 0 &&
		    (size_t)(ivals[i] / step) * (size_t)cols >= need * nb)
			return ivals[i];
	return step * (int64_t)((need * nb + (size_t)cols - 1) /
	    (size_t)cols);
}

static void
time_label(char *buf, size_t size, int64_t start, int64_t step,
    int64_t ival, int longdate)
{
	if (longdate)
		(void)bw_fmt_time(buf, size, start + (step >= 86400 ?
		    43200 : 0), "%Y-%m-%d");
	else if (ival < 86400 && localsecs(start) % 86400 != 0)
		(void)bw_fmt_time(buf, size, start, "%H:%M");
	else
		(void)bw_fmt_time(buf, size, start + (step >= 86400 ?
		    43200 : 0), "%m-%d");
}

/*
 * Where things go: nb buckets spread over cols columns, each taking one
 * or more (the first column of bucket i is i * cols / nb), and which
 * buckets start a new label interval.
 */
struct layout {
	const struct bw_bucket	*b;
	size_t			 nb;
	int			 cols;
	double			 max[2];	/* RX, TX scale: the same */
	unsigned char		 tick[CHART_MAXWIDTH];
};

static size_t
xpos(const struct layout *lo, size_t i)
{
	return i * (size_t)lo->cols / lo->nb;
}

/* One row of bars: RX row r counts from the top, TX row r from the axis. */
static void
bar_row(struct line *l, const struct layout *lo,
    const struct chart_style *st, int tx, int r)
{
	const char	*const *cells = tx ? st->tx : st->rx;
	size_t		 i, c;
	int		 per = tx ? st->txlevels : st->rxlevels, fill;

	for (i = 0; i < lo->nb; i++) {
		fill = level(bw_bucket_avg(&lo->b[i], tx), lo->max[tx],
		    CHART_HEIGHT * per) - (tx ? r : CHART_HEIGHT - 1 - r) *
		    per;
		fill = fill < 0 ? 0 : fill > per ? per : fill;
		for (c = xpos(lo, i); c < xpos(lo, i + 1); c++)
			put(l, cells[fill]);
	}
}

/*
 * Draw series s into width columns.  -1 when writing fails.
 */
int
chart_draw(FILE *fp, const struct bw_series *s, int width,
    const struct chart_style *st)
{
	struct layout	lo;
	struct line	l;
	char		lab[LABELMAX], buf[BW_FMTLEN], *row;
	double		v;
	int64_t		ival, prev, cur;
	size_t		i, c, n, x, end;
	int		r, lw, longdate, t;

	if (width > CHART_MAXWIDTH)
		width = CHART_MAXWIDTH;
	memset(&lo, 0, sizeof(lo));
	l.len = 0;
	lo.cols = chart_columns(width);
	lo.nb = s->nb;
	lo.b = s->b;
	if (lo.cols < 1 || lo.nb == 0)
		return 0;
	if (lo.nb > (size_t)lo.cols) {
		/* Not with bw_bucket_step()'s choice; keep the newest. */
		lo.b += lo.nb - (size_t)lo.cols;
		lo.nb = (size_t)lo.cols;
	}
	/* One scale for both directions: the busiest bucket of either. */
	for (i = 0; i < lo.nb; i++)
		for (t = 0; t < 2; t++)
			if ((v = bw_bucket_avg(&lo.b[i], t)) > lo.max[0])
				lo.max[0] = v;
	lo.max[1] = lo.max[0];
	longdate = s->to - s->from > 300 * 86400;
	lw = longdate ? 10 : 5;
	ival = label_interval(s->step, lo.nb, lo.cols, lw);
	prev = period(lo.b[0].start - s->step, s->step, ival);
	for (i = 0; i < lo.nb; i++) {
		cur = period(lo.b[i].start, s->step, ival);
		lo.tick[i] = cur != prev;
		prev = cur;
	}

	/* RX grows up from the axis. */
	for (r = 0; r < CHART_HEIGHT; r++) {
		if (r == 0)
			gutter(&l, bw_fmt_bps(buf, sizeof(buf), lo.max[0]),
			    st->tick);
		else
			gutter(&l, r == CHART_HEIGHT - 1 ? "RX" : "",
			    st->vline);
		bar_row(&l, &lo, st, 0, r);
		if (emit(fp, &l) == -1)
			return -1;
	}

	/* The axis, blank where there is no sample, ticks for the labels. */
	gutter(&l, "", st->cross);
	for (i = 0; i < lo.nb; i++)
		for (c = xpos(&lo, i); c < xpos(&lo, i + 1); c++) {
			/* The gutter's cross already marks column 0. */
			if (c > 0 && c == xpos(&lo, i) && lo.tick[i])
				put(&l, st->cross);
			else if (bw_bucket_avg(&lo.b[i], 0) < 0)
				put(&l, " ");
			else
				put(&l, st->hline);
		}
	if (emit(fp, &l) == -1)
		return -1;

	/* TX grows down from it. */
	for (r = 0; r < CHART_HEIGHT; r++) {
		if (r == CHART_HEIGHT - 1)
			gutter(&l, bw_fmt_bps(buf, sizeof(buf), lo.max[1]),
			    st->tick);
		else
			gutter(&l, r == 0 ? "TX" : "", st->vline);
		bar_row(&l, &lo, st, 1, r);
		if (emit(fp, &l) == -1)
			return -1;
	}

	/* Time labels at the ticks, left-aligned, one blank between. */
	memset(l.buf, ' ', CHART_GUTTER + (size_t)lo.cols);
	row = l.buf + CHART_GUTTER;
	l.len = CHART_GUTTER + (size_t)lo.cols;
	end = 0;
	for (i = 0; i < lo.nb; i++) {
		x = xpos(&lo, i);
		if (!lo.tick[i] || (end > 0 && x <= end) ||
		    x + (size_t)lw > (size_t)lo.cols)
			continue;
		time_label(lab, sizeof(lab), lo.b[i].start, s->step, ival,
		    longdate);
		if ((n = strlen(lab)) > (size_t)lo.cols - x)
			n = (size_t)lo.cols - x;
		memcpy(row + x, lab, n);
		end = x + n;
	}
	return emit(fp, &l);
}
