// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test-workload.c - workload scripts and the built-in generators
 * (workload.h, swapfs-workload(5)) against the simulator.
 *
 * Every script of FIXTURES/workloads/good is parsed and run on a fresh
 * simulated device (its "# sim:" line, check_always on) and the state it
 * leaves, and the state at each of its snapshot statements, is checked
 * exactly; its own expect statements check the rest. Every script of
 * FIXTURES/workloads/bad carries "# expect: RULE LINE" (refused by the
 * parser) or "# expect-run: RULE LINE" (refused by the run) and must be
 * refused with that rule and a message "PATH:LINE: ... [RULE]".
 * The generators: bad specs, determinism, the fill level, the holes, and
 * what the selftest model promises.
 *
 * Usage: test-workload FIXTURES_DIR (tests/fixtures).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <swapfs/sim.h>
#include <swapfs/workload.h>

#include "tap.h"

#define CACHED	SNAPSHOT_SLOT_CACHED
#define ZERO	SNAPSHOT_SLOT_ZERO
#define ZSWAP	SNAPSHOT_SLOT_ZSWAP
#define STATE	(CACHED | ZERO | ZSWAP)

static const char *fixtures;

/* ---- helpers ----------------------------------------------------------- */

static char *read_text(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf;
	long n;

	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	buf = malloc((size_t)n + 1);
	if (fread(buf, 1, (size_t)n, f) != (size_t)n) {
		free(buf);
		fclose(f);
		return NULL;
	}
	fclose(f);
	buf[n] = '\0';
	*len = (size_t)n;
	return buf;
}

/*
 * The device of a fixture: "# sim: slots=N cpus=N cluster=N sync=1
 * discard=1 kernel=612".
 */
static void fixture_config(const char *text, struct sim_config *cfg)
{
	const char *line = strstr(text, "# sim:");
	unsigned int v;
	char key[32];
	int n;

	sim_config_default(cfg, 1024);
	cfg->check_always = true;
	if (!line)
		return;
	line += 6;
	while (sscanf(line, " %31[a-z]=%u%n", key, &v, &n) == 2) {
		if (!strcmp(key, "slots"))
			cfg->slots = v;
		else if (!strcmp(key, "cpus"))
			cfg->cpus = v;
		else if (!strcmp(key, "cluster"))
			cfg->cluster_size = v;
		else if (!strcmp(key, "sync"))
			cfg->synchronous_io = v;
		else if (!strcmp(key, "discard"))
			cfg->discard = v;
		else if (!strcmp(key, "kernel"))
			cfg->kernel = v == 612 ? SIM_KERNEL_6_12 : SIM_KERNEL_NEWEST;
		line += n;
	}
}

static struct sim *new_sim(const struct sim_config *cfg)
{
	struct sim *sim = NULL;
	struct diag d;

	if (sim_new(cfg, NULL, 0, &sim, &d)) {
		fprintf(stderr, "# sim_new: %s\n", d.msg);
		return NULL;
	}
	return sim;
}

static struct sim *new_default_sim(uint32_t slots, bool check)
{
	struct sim_config cfg;

	sim_config_default(&cfg, slots);
	cfg.check_always = check;
	return new_sim(&cfg);
}

static const struct snapshot *snap(struct sim *sim)
{
	const struct snapshot *s = NULL;

	return sim_snapshot(sim, &s) ? NULL : s;
}

/* What the hooks saw: each snapshot's note, slot words and folios. */
#define LOG_MAX		16

struct log {
	unsigned int snaps, nulls, rounds, progress;
	char note[LOG_MAX][64];
	uint16_t *words[LOG_MAX];
	struct snapshot_folio folios[LOG_MAX][16];
	size_t nr_folios[LOG_MAX];
	uint8_t cflags[LOG_MAX][4];
	uint64_t done, total;
	int fail;		/* snapshot hook fails with this at its first call */
};

static int log_snapshot(void *arg, struct sim *sim, const char *note)
{
	struct log *l = arg;
	const struct snapshot *s = snap(sim);
	unsigned int i = l->snaps++;
	size_t k;

	if (l->fail)
		return l->fail;
	if (!note)
		l->nulls++;
	if (i >= LOG_MAX || !s)
		return 0;
	snprintf(l->note[i], sizeof(l->note[i]), "%s", note ? note : "");
	l->words[i] = malloc(s->dev.max * sizeof(uint16_t));
	memcpy(l->words[i], s->slots, s->dev.max * sizeof(uint16_t));
	l->nr_folios[i] = s->nr_folios;
	for (k = 0; k < s->nr_folios && k < 16; k++)
		l->folios[i][k] = s->folios[k];
	for (k = 0; k < s->dev.nr_clusters && k < 4; k++)
		l->cflags[i][k] = s->clusters[k].flags;
	return 0;
}

static int log_round(void *arg, struct sim *sim, uint64_t round)
{
	struct log *l = arg;

	l->rounds++;
	return round == l->rounds ? 0 : -EPROTO;
}

static void log_progress(void *arg, uint64_t done, uint64_t total)
{
	struct log *l = arg;

	l->progress++;
	l->done = done;
	l->total = total;
}

static void log_free(struct log *l)
{
	unsigned int i;

	for (i = 0; i < LOG_MAX; i++)
		free(l->words[i]);
	memset(l, 0, sizeof(*l));
}

static const struct workload_hooks *log_hooks(struct log *l,
					      struct workload_hooks *h,
					      uint64_t every)
{
	memset(h, 0, sizeof(*h));
	h->snapshot = log_snapshot;
	h->every = every;
	h->progress = log_progress;
	h->round = log_round;
	h->arg = l;
	return h;
}

/* @n slots from @from: each count @count and state bits exactly @bits. */
static bool words_are(const uint16_t *w, uint32_t from, uint32_t n,
		      uint32_t count, uint16_t bits)
{
	uint32_t i;

	for (i = from; i < from + n; i++) {
		if ((w[i] & SNAPSHOT_SLOT_COUNT) != count ||
		    (w[i] & STATE) != bits) {
			printf("# slot %u: word 0x%04x, want count %u bits 0x%x\n",
			       i, w[i], count, bits);
			return false;
		}
	}
	return true;
}

static bool slots_are(struct sim *sim, uint32_t from, uint32_t n,
		      uint32_t count, uint16_t bits)
{
	const struct snapshot *s = snap(sim);

	return s && words_are(s->slots, from, n, count, bits);
}

/* Parse and run good/@name; the sim stays for the caller to look at. */
static struct sim *run_good(const char *name, struct log *l, uint64_t every)
{
	char path[1024];
	struct workload *w = NULL;
	struct workload_hooks h;
	struct sim_config cfg;
	struct sim *sim;
	struct diag d;
	size_t len;
	char *text;
	int rc;

	snprintf(path, sizeof(path), "%s/workloads/good/%s", fixtures, name);
	text = read_text(path, &len);
	if (!text) {
		ok(0, "%s: readable", name);
		return NULL;
	}
	fixture_config(text, &cfg);
	rc = workload_parse(path, text, len, &w, &d);
	free(text);
	ok(!rc, "%s: parses%s%s", name, rc ? ": " : "", rc ? d.msg : "");
	if (rc)
		return NULL;
	sim = new_sim(&cfg);
	rc = sim ? workload_run(w, sim, 1, log_hooks(l, &h, every), &d) : -ENOMEM;
	ok(!rc, "%s: runs%s%s", name, rc ? ": " : "", rc ? d.msg : "");
	workload_free(w);
	if (rc) {
		sim_free(sim);
		return NULL;
	}
	return sim;
}

/* ---- good scripts ------------------------------------------------------ */

static void test_basic(void)
{
	struct log l = { 0 };
	struct sim *sim = run_good("basic.wl", &l, 0);
	const struct snapshot *s;
	uint32_t start;
	unsigned int order;

	if (!sim)
		return;
	s = snap(sim);
	ok(slots_are(sim, 512, 32, 1, 0) && slots_are(sim, 1, 511, 0, 0) &&
	   slots_are(sim, 544, 480, 0, 0),
	   "basic: two order-4 folios on slots 512..543, count 1, written");
	ok(!snapshot_run_at(s, 530, &start, &order) && start == 528 && order == 4 &&
	   !snapshot_run_at(s, 512, &start, &order) && start == 512,
	   "basic: runs of order 4 at 512 and 528");
	ok(s->clusters[1].order == 4 && s->clusters[1].count == 32 &&
	   s->nr_folios == 0, "basic: cluster 1 order 4, count 32, nothing cached");
	ok(sim_counter(sim, SIM_SWPOUT, 4) == 2 && sim_ops(sim) == 2,
	   "basic: swpout 2, two operations");
	sim_free(sim);
	log_free(&l);
}

static void test_free_range(void)
{
	struct log l = { 0 };
	struct sim *sim = run_good("free-range.wl", &l, 0);

	if (!sim)
		return;
	ok(l.snaps == 1 && words_are(l.words[0], 512, 3, 0, 0) &&
	   words_are(l.words[0], 515, 29, 1, 0),
	   "free-range: 'free a 0 3' frees slots 512..514 only");
	ok(slots_are(sim, 1, 3, 1, 0) && slots_are(sim, 4, 1020, 0, 0) &&
	   sim_inuse(sim) == 3, "free-range: a defined again on slots 1..3");
	sim_free(sim);
	log_free(&l);
}

static void test_stages(void)
{
	struct log l = { 0 };
	struct sim *sim = run_good("stages.wl", &l, 0);

	if (!sim)
		return;
	ok(l.snaps == 2 && !strcmp(l.note[0], "after allocation") &&
	   !strcmp(l.note[1], "after unmap"), "stages: snapshot notes");
	ok(words_are(l.words[0], 512, 4, 0, CACHED) &&
	   words_are(l.words[0], 516, 4, 2, CACHED) && l.nr_folios[0] == 2 &&
	   l.folios[0][0].offset == 512 && l.folios[0][0].order == 2 &&
	   l.folios[0][1].offset == 516 && l.folios[0][1].order == 2,
	   "stages: cache = count 0 cached, unmapped = mapcount, cached");
	ok(words_are(l.words[1], 512, 4, 1, CACHED),
	   "stages: unmap takes one reference, the folio stays cached");
	ok(slots_are(sim, 512, 4, 1, 0) && slots_are(sim, 516, 4, 2, 0) &&
	   snap(sim)->nr_folios == 0, "stages: writeback leaves the cache");
	sim_free(sim);
	log_free(&l);
}

static void test_fork(void)
{
	struct log l = { 0 };
	struct sim *sim = run_good("fork.wl", &l, 0);

	if (!sim)
		return;
	ok(l.snaps == 2 && words_are(l.words[0], 1, 4, 3, 0),
	   "fork: two forks make count 3");
	ok(words_are(l.words[1], 1, 1, 2, 0) && words_are(l.words[1], 2, 2, 1, 0) &&
	   words_are(l.words[1], 4, 1, 2, 0), "fork: free a 1 2 takes pages 1, 2");
	ok(slots_are(sim, 1, 1023, 0, 0), "fork: all freed in the end");
	sim_free(sim);
	log_free(&l);
}

static void test_split(void)
{
	struct log l = { 0 };
	struct sim *sim = run_good("split.wl", &l, 0);
	size_t k;
	bool fine;

	if (!sim)
		return;
	fine = l.snaps == 1 && l.nr_folios[0] == 4 &&
	       words_are(l.words[0], 512, 16, 1, CACHED);
	for (k = 0; fine && k < 4; k++)
		fine = l.folios[0][k].offset == 512 + 4 * k &&
		       l.folios[0][k].order == 2;
	ok(fine, "split: four order-2 folios, counts kept");
	ok(slots_are(sim, 512, 16, 1, 0) && snap(sim)->nr_folios == 0,
	   "split: all four written back");
	sim_free(sim);
	log_free(&l);
}

static void test_swapin(void)
{
	struct log l = { 0 };
	struct sim *sim = run_good("swapin-small.wl", &l, 0);

	if (sim) {
		ok(slots_are(sim, 1, 1023, 0, 0) && sim_ops(sim) == 17 &&
		   !sim_counter(sim, SIM_SWPIN_FALLBACK, 4),
		   "swapin-small: sixteen order-0 faults free every slot");
		sim_free(sim);
	}
	sim = run_good("swapin-large.wl", &l, 0);
	if (sim) {
		ok(slots_are(sim, 1, 1023, 0, 0) &&
		   sim_counter(sim, SIM_SWPIN, 4) == 2 &&
		   !sim_counter(sim, SIM_SWPIN_FALLBACK, 4) &&
		   !sim_counter(sim, SIM_SWPIN_FALLBACK, 3),
		   "swapin-large: whole folios, unsuitable orders not counted");
		sim_free(sim);
	}
	sim = run_good("swapin-forked.wl", &l, 0);
	if (sim) {
		ok(l.snaps == 1 && words_are(l.words[0], 1, 2, 1, CACHED),
		   "swapin-forked: the other reference keeps the folio cached");
		ok(slots_are(sim, 1, 1023, 0, 0), "swapin-forked: freed at the end");
		sim_free(sim);
	}
	log_free(&l);
}

static void test_backing(void)
{
	struct log l = { 0 };
	struct sim *sim = run_good("backing.wl", &l, 0);

	if (!sim)
		return;
	ok(l.snaps == 1 && words_are(l.words[0], 1, 4, 1, ZSWAP) &&
	   words_are(l.words[0], 5, 4, 1, ZERO), "backing: zswap and zero bits set");
	ok(slots_are(sim, 1, 4, 1, ZSWAP) && slots_are(sim, 5, 4, 1, 0),
	   "backing: zero off clears, zswap on again keeps");
	sim_free(sim);
	log_free(&l);
}

static void test_repeat(void)
{
	struct log l = { 0 };
	struct sim *sim = run_good("repeat.wl", &l, 0);

	if (!sim)
		return;
	ok(slots_are(sim, 512, 1, 0, 0) && slots_are(sim, 513, 15, 1, 0) &&
	   sim_inuse(sim) == 15, "repeat: kept loses page 0 once");
	/*
	 * repeat 3 (1) of swapout, repeat 2, fork, end, free x3, end (3 + 3 +
	 * 6 + 6 + 9 + 3); expect; repeat 0 (1, its body never); swapout;
	 * repeat 4 (1) of free, end (4 + 4); expect: 44 statements run.
	 */
	ok(l.progress == 1 && l.done == l.total && l.total == 44,
	   "repeat: progress counts the statements run (%" PRIu64 " of %" PRIu64 ")",
	   l.done, l.total);
	sim_free(sim);
	log_free(&l);
}

static void test_cpus(void)
{
	struct log l = { 0 };
	struct sim *sim = run_good("cpus.wl", &l, 0);

	if (!sim)
		return;
	/*
	 * CPU 0 takes the header cluster from nonfull[0] (slot 1); CPU 1 finds
	 * nonfull empty and takes free cluster 1; 'cpu 1' continues there;
	 * cpu=0 continues CPU 0's cluster.
	 */
	ok(slots_are(sim, 1, 2, 1, 0) && slots_are(sim, 512, 2, 1, 0) &&
	   sim_inuse(sim) == 4, "cpus: round robin, pinned, per-CPU clusters");
	sim_free(sim);
	log_free(&l);
}

static void test_discard(void)
{
	struct log l = { 0 };
	struct sim *sim = run_good("discard.wl", &l, 0);

	if (!sim)
		return;
	ok(l.snaps == 1 && l.cflags[0][1] == SNAPSHOT_CLUSTER_DISCARD &&
	   snap(sim)->clusters[1].flags == SNAPSHOT_CLUSTER_FREE,
	   "discard: the freed cluster waits for discard, then is free");
	sim_free(sim);
	log_free(&l);
}

static void test_full_and_reclaim(void)
{
	struct log l = { 0 };
	struct sim *sim = run_good("full.wl", &l, 0);

	if (sim) {
		ok(slots_are(sim, 1, 1023, 0, 0), "full: everything freed again");
		sim_free(sim);
	}
	sim = run_good("reclaim.wl", &l, 0);
	if (sim) {
		ok(slots_are(sim, 1, 1023, 0, 0),
		   "reclaim: reclaimed cache-only pages leave their tag");
		sim_free(sim);
	}
	sim = run_good("reclaim-612.wl", &l, 0);
	if (sim) {
		ok(slots_are(sim, 1, 1023, 0, 0), "reclaim-612: the same on v6.12");
		sim_free(sim);
	}
	log_free(&l);
}

static void test_device(void)
{
	char path[1024];
	struct workload *w = NULL;
	struct diag d;

	snprintf(path, sizeof(path), "%s/workloads/good/device.wl", fixtures);
	ok(!workload_load_file(path, &w, &d) &&
	   workload_device_bytes(w) == 4u << 20 && !strcmp(workload_name(w), path),
	   "device: 4M asked for, name is the path");
	workload_free(w);
}

/* Every good script runs; those without a test of their own at least that. */
static void test_good_all(void)
{
	char dir[1024];
	struct dirent **ents;
	int n, i, runs = 0;

	snprintf(dir, sizeof(dir), "%s/workloads/good", fixtures);
	n = scandir(dir, &ents, NULL, alphasort);
	ok(n > 0, "good scripts found in %s", dir);
	for (i = 0; i < n; i++) {
		struct log l = { 0 };
		struct sim *sim;

		if (strstr(ents[i]->d_name, ".wl")) {
			sim = run_good(ents[i]->d_name, &l, 0);
			runs += !!sim;
			sim_free(sim);
			log_free(&l);
		}
		free(ents[i]);
	}
	if (n > 0)
		free(ents);
	ok(runs >= 16, "%d good scripts", runs);
}

/* ---- bad scripts ------------------------------------------------------- */

static void check_bad(const char *dir, const char *name, int *cases)
{
	char path[1400], rule[64], kind[16], prefix[1500], tail[80];
	struct workload *w = NULL;
	struct sim_config cfg;
	struct sim *sim;
	struct diag d;
	unsigned long line;
	size_t len;
	char *text;
	int rc;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	text = read_text(path, &len);
	if (!text || sscanf(text, "# %15[a-z-]: %63s %lu", kind, rule, &line) != 3) {
		ok(0, "%s: has '# expect: RULE LINE'", name);
		free(text);
		return;
	}
	fixture_config(text, &cfg);
	rc = workload_parse(path, text, len, &w, &d);
	free(text);
	if (!strcmp(kind, "expect-run")) {
		ok(!rc, "%s: parses (%s)", name, rc ? d.msg : "");
		if (rc)
			return;
		sim = new_sim(&cfg);
		rc = sim ? workload_run(w, sim, 1, NULL, &d) : -ENOMEM;
		sim_free(sim);
		workload_free(w);
	}
	snprintf(prefix, sizeof(prefix), "%s:%lu: ", path, line);
	snprintf(tail, sizeof(tail), " [%s]", rule);
	ok(rc == -EINVAL && !strcmp(d.rule, rule) &&
	   !strncmp(d.msg, prefix, strlen(prefix)) &&
	   strlen(d.msg) > strlen(tail) &&
	   !strcmp(d.msg + strlen(d.msg) - strlen(tail), tail),
	   "%s: refused [%s] at line %lu (got %d: %s)", name, rule, line, rc,
	   d.msg + (strlen(d.msg) > strlen(dir) ? strlen(dir) + 1 : 0));
	(*cases)++;
}

static void test_bad_all(void)
{
	char dir[1024];
	struct dirent **ents;
	int n, i, cases = 0;

	snprintf(dir, sizeof(dir), "%s/workloads/bad", fixtures);
	n = scandir(dir, &ents, NULL, alphasort);
	ok(n > 0, "bad scripts found in %s", dir);
	for (i = 0; i < n; i++) {
		if (strstr(ents[i]->d_name, ".wl"))
			check_bad(dir, ents[i]->d_name, &cases);
		free(ents[i]);
	}
	if (n > 0)
		free(ents);
	ok(cases >= 25, "%d malformed scripts in the corpus", cases);
}

/* What no fixture file shows: limits of the text, files, hooks. */
static void test_text_edges(void)
{
	static const char nul[] = "swapout 0 1 tag=a\n\0\n";
	static const char hook[] = "swapout 0 1 tag=a\nsnapshot x\nswapout 0 1 tag=b\n";
	struct workload *w = NULL;
	struct workload_hooks h;
	struct log l = { 0 };
	struct sim *sim;
	struct diag d;
	char *big;
	int rc;

	rc = workload_parse("nul.wl", nul, sizeof(nul) - 1, &w, &d);
	ok(rc == -EINVAL && !strcmp(d.rule, "wl-text") && !strncmp(d.msg, "nul.wl:2: ", 10),
	   "a NUL byte is refused at its line (%s)", d.msg);
	rc = workload_parse("empty.wl", "", 0, &w, &d);
	ok(!rc, "an empty script is fine");
	workload_free(w);
	w = NULL;
	rc = workload_parse("nonl.wl", "swapout 0 1 tag=a", 17, &w, &d);
	ok(!rc, "the last line needs no newline");
	workload_free(w);
	w = NULL;
	big = calloc(1, WORKLOAD_FILE_MAX + 2);
	memset(big, '\n', WORKLOAD_FILE_MAX + 1);
	rc = workload_parse("big.wl", big, WORKLOAD_FILE_MAX + 1, &w, &d);
	ok(rc == -EINVAL && !strcmp(d.rule, "wl-file-size") &&
	   !strncmp(d.msg, "big.wl: ", 8), "a script over 16 MiB is refused");
	free(big);
	rc = workload_load_file(fixtures, &w, &d);
	ok(rc == -EINVAL && !strcmp(d.rule, "wl-file-type"),
	   "a directory is not a script (%s)", d.msg);
	rc = workload_load_file("/nonexistent/x.wl", &w, &d);
	ok(rc == -ENOENT && !d.rule[0] && strstr(d.msg, "/nonexistent/x.wl"),
	   "a missing file: the errno and the path (%s)", d.msg);

	/* a failing hook stops the run and says where */
	rc = workload_parse("hook.wl", hook, strlen(hook), &w, &d);
	sim = new_default_sim(1024, true);
	l.fail = -EIO;
	rc = workload_run(w, sim, 0, log_hooks(&l, &h, 0), &d);
	ok(rc == -EIO && !strcmp(d.rule, "wl-hook") && !strncmp(d.msg, "hook.wl:2: ", 11) &&
	   sim_inuse(sim) == 1, "a hook's error stops the run at its line (%s)", d.msg);
	sim_free(sim);
	log_free(&l);
	/* the same workload runs again, on another device */
	sim = new_default_sim(1024, true);
	rc = workload_run(w, sim, 0, NULL, &d);
	ok(!rc && sim_inuse(sim) == 2, "a workload runs again without hooks");
	sim_free(sim);
	workload_free(w);
}

static void test_every(void)
{
	struct log l = { 0 };
	struct sim *sim = run_good("fork.wl", &l, 3);

	/* 4 swap-outs, 2 forks, 5 puts (the last two apart) = 11: at 3, 6, 9 */
	if (sim)
		ok(l.nulls == 3 && l.snaps == 5, "every=3: three extra snapshots (%u)",
		   l.nulls);
	sim_free(sim);
	log_free(&l);
}

/* ---- generators: specs ------------------------------------------------ */

static void test_specs(void)
{
	static const struct {
		const char *spec, *rule;
	} bad[] = {
		{ "nosuch", "wl-builtin" },
		{ "", "wl-builtin" },
		{ "random:fill", "wl-spec" },
		{ "random:", "wl-spec" },
		{ "random:fill=50,", "wl-spec" },
		{ "random:=5", "wl-spec" },
		{ "random:bogus=1", "wl-spec-key" },
		{ "random:area=1M", "wl-spec-key" },
		{ "selftest:orders=0", "wl-spec-key" },
		{ "random:fill=50,fill=60", "wl-spec-dup" },
		{ "random:fill=100", "wl-spec-fill" },
		{ "random:fill=0", "wl-spec-fill" },
		{ "random:fill=9O", "wl-spec-fill" },
		{ "random:orders=0+x", "wl-spec-orders" },
		{ "random:orders=15", "wl-spec-orders" },
		{ "random:orders=", "wl-spec-orders" },
		{ "random:orders=2++4", "wl-spec-orders" },
		{ "random:ops=-1", "wl-spec-ops" },
		{ "random:cpus=0", "wl-spec-cpus" },
		{ "random:seed=x", "wl-spec-seed" },
		{ "random:device=0", "wl-spec-device" },
		{ "random:device=64Q", "wl-spec-device" },
		{ "selftest:area=61K", "wl-spec-area" },
		{ "selftest:area=60Q", "wl-spec-area" },
		{ "selftest:area=128G", "wl-spec-area" },
		{ "selftest:folio=48K", "wl-spec-folio" },
		{ "selftest:small=2", "wl-spec-small" },
		{ "selftest:aligned=1", "wl-spec-aligned" },
		{ "selftest:version=3", "wl-spec-version" },
		{ "selftest:rounds=1000000001", "wl-spec-rounds" },
		{ "selftest:picks=99999999", "wl-spec-picks" },
		{ "fragment:holes=101", "wl-spec-holes" },
		{ "fragment:hole_order=15", "wl-spec-hole_order" },
		{ "fragment:ops=5", "wl-spec-key" },
	};
	struct workload *w = NULL;
	struct diag d;
	size_t i;
	int rc;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		rc = workload_builtin(bad[i].spec, &w, &d);
		ok(rc == -EINVAL && !strcmp(d.rule, bad[i].rule) &&
		   !strncmp(d.msg, bad[i].spec, strlen(bad[i].spec)),
		   "spec '%s' refused [%s] (%s)", bad[i].spec, bad[i].rule, d.msg);
	}
	rc = workload_builtin("selftest:area=60M,device=64M,rounds=100,small=1", &w, &d);
	ok(!rc && workload_device_bytes(w) == 64u << 20, "selftest spec with device");
	workload_free(w);
	rc = workload_builtin("random:orders=0+2+4,fill=90%,ops=10,seed=3,cpus=1", &w, &d);
	ok(!rc && !workload_device_bytes(w), "random spec, no device opinion");
	workload_free(w);
	rc = workload_builtin("selftest:version=2,aligned=1,small_area=2MiB", &w, &d);
	ok(!rc, "selftest version 2 spec");
	workload_free(w);
	ok(workload_spec_is_builtin("random") && workload_spec_is_builtin("selftest:x=1") &&
	   !workload_spec_is_builtin("random.wl") && !workload_spec_is_builtin("./random"),
	   "workload_spec_is_builtin");
}

/* A spec that parses but that the device cannot take. */
static void check_run_refusal(const char *spec, uint32_t slots, const char *rule)
{
	struct workload *w = NULL;
	struct sim *sim;
	struct diag d;
	int rc;

	rc = workload_builtin(spec, &w, &d);
	sim = new_default_sim(slots, true);
	if (!rc)
		rc = workload_run(w, sim, 0, NULL, &d);
	ok(rc == -EINVAL && !strcmp(d.rule, rule), "'%s' refused by the run [%s] (%s)",
	   spec, rule, d.msg);
	sim_free(sim);
	workload_free(w);
}

/* ---- generators: runs ------------------------------------------------- */

struct state {
	uint16_t *words;
	uint32_t max;
	uint64_t inuse, ops;
};

static int run_spec(const char *spec, struct sim *sim, uint64_t seed,
		    struct log *l, struct state *out)
{
	struct workload *w = NULL;
	struct workload_hooks h;
	const struct snapshot *s;
	struct diag d;
	int rc;

	rc = workload_builtin(spec, &w, &d);
	if (!rc)
		rc = workload_run(w, sim, seed, l ? log_hooks(l, &h, 0) : NULL, &d);
	workload_free(w);
	if (rc) {
		printf("# %s: %s\n", spec, d.msg);
		return rc;
	}
	if (out) {
		s = snap(sim);
		out->max = s->dev.max;
		out->words = malloc(out->max * sizeof(uint16_t));
		memcpy(out->words, s->slots, out->max * sizeof(uint16_t));
		out->inuse = sim_inuse(sim);
		out->ops = sim_ops(sim);
	}
	return 0;
}

static bool same_state(const struct state *a, const struct state *b)
{
	return a->max == b->max && a->inuse == b->inuse && a->ops == b->ops &&
	       !memcmp(a->words, b->words, a->max * sizeof(uint16_t));
}

static void check_determinism(const char *spec, uint32_t slots)
{
	struct state a = { 0 }, b = { 0 }, c = { 0 };
	struct sim *s1 = new_default_sim(slots, false);
	struct sim *s2 = new_default_sim(slots, false);
	struct sim *s3 = new_default_sim(slots, false);

	ok(!run_spec(spec, s1, 11, NULL, &a) && !run_spec(spec, s2, 11, NULL, &b) &&
	   !run_spec(spec, s3, 12, NULL, &c),
	   "%s: runs three times", spec);
	ok(a.words && b.words && c.words && same_state(&a, &b) && !same_state(&a, &c),
	   "%s: same seed, same device; another seed, another", spec);
	free(a.words);
	free(b.words);
	free(c.words);
	sim_free(s1);
	sim_free(s2);
	sim_free(s3);
}

static void test_seed_override(void)
{
	struct state a = { 0 }, b = { 0 };
	struct sim *s1 = new_default_sim(4096, false);
	struct sim *s2 = new_default_sim(4096, false);

	ok(!run_spec("random:ops=5000,seed=5", s1, 1, NULL, &a) &&
	   !run_spec("random:ops=5000,seed=5", s2, 2, NULL, &b) && same_state(&a, &b),
	   "seed= in the spec wins over the run's seed");
	free(a.words);
	free(b.words);
	sim_free(s1);
	sim_free(s2);
}

static void test_random_fill(void)
{
	struct log l = { 0 };
	struct sim *sim = new_default_sim(1u << 16, false);
	uint64_t pages = (1u << 16) - 1, inuse;

	ok(!run_spec("random:fill=90,ops=2500000", sim, 3, &l, NULL),
	   "random: 2.5M operations at 90%%");
	inuse = sim_inuse(sim);
	ok(inuse * 1000 >= pages * 890 && inuse * 1000 <= pages * 910,
	   "random: %" PRIu64 " of %" PRIu64 " slots in use, 90%% +- 1%%", inuse, pages);
	ok(l.progress >= 3 && l.done == l.total && l.total > 2500000,
	   "random: progress %u times, last %" PRIu64 " of %" PRIu64, l.progress,
	   l.done, l.total);
	sim_free(sim);
	log_free(&l);

	/* every invariant after every operation, on a small device */
	sim = new_default_sim(4096, true);
	ok(!run_spec("random:fill=75,ops=8000,orders=0+1+2+3+4+9", sim, 4, NULL, NULL),
	   "random: all orders, check_always");
	sim_free(sim);
	sim = new_default_sim(4096, true);
	ok(!run_spec("random:fill=99,ops=8000", sim, 5, NULL, NULL),
	   "random: 99%% fill, check_always");
	sim_free(sim);

	/*
	 * Two or three live 64K folios: every one is picked for freeing
	 * and the pipeline of picked victims runs dry again and again.
	 * Every operation is still one simulator call, inside the band.
	 */
	memset(&l, 0, sizeof(l));
	sim = new_default_sim(4096, true);
	ok(!run_spec("random:orders=4,fill=1,ops=20000", sim, 6, &l, NULL),
	   "random: a live set that runs dry, check_always");
	inuse = sim_inuse(sim);
	ok(sim_ops(sim) == l.total && l.done == l.total && inuse <= 8 + 64 + 16,
	   "random: %" PRIu64 " simulator calls for %" PRIu64 " operations, %" PRIu64
	   " slots in use", sim_ops(sim), l.total, inuse);
	sim_free(sim);
	log_free(&l);
}

static void test_random_cpus_discard(void)
{
	struct sim_config cfg;
	struct sim *sim;

	sim_config_default(&cfg, 4096);
	cfg.cpus = 4;
	cfg.discard = true;
	cfg.check_always = true;
	sim = new_sim(&cfg);
	ok(sim && !run_spec("random:fill=80,ops=8000,cpus=4", sim, 6, NULL, NULL),
	   "random: four CPUs on a discarding device, check_always");
	sim_free(sim);
}

static void test_fragment(void)
{
	struct sim *sim = new_default_sim(16384, true);
	int rc;

	/* 512 order-4 allocations reach 8191 of 16383; half get a 1-slot hole */
	rc = run_spec("fragment:orders=4,fill=50,holes=50,hole_order=0", sim, 7,
		      NULL, NULL);
	ok(!rc && sim_inuse(sim) == 8192 - 256,
	   "fragment: 256 one-slot holes in 512 folios (%" PRIu64 " in use)",
	   sim_inuse(sim));
	sim_free(sim);
	sim = new_default_sim(16384, true);
	rc = run_spec("fragment:orders=4,fill=50,holes=25", sim, 7, NULL, NULL);
	ok(!rc && sim_inuse(sim) == 8192 - 128 * 16,
	   "fragment: a quarter of the folios freed whole");
	sim_free(sim);
}

/* The selftest on its own device: 64 MiB, 16384 slots. */
static void test_selftest(void)
{
	struct log l = { 0 };
	struct sim_config cfg;
	struct sim *sim = new_default_sim(16384, true);
	uint64_t out, fb, inuse;
	int rc;

	ok(!run_spec("selftest:rounds=3", sim, 1, &l, NULL) && l.rounds == 3,
	   "selftest: three rounds, round hook each");
	out = sim_counter(sim, SIM_SWPOUT, 4);
	inuse = sim_inuse(sim);
	/* 256 picks a round, some twice: at most 768 folios, all still out */
	ok(out > 500 && out <= 768 && !sim_counter(sim, SIM_SWPOUT_FALLBACK, 4) &&
	   inuse % 16 == 0 && inuse <= out * 16,
	   "selftest: %" PRIu64 " order-4 swap-outs, no fallback while free clusters last",
	   out);
	sim_free(sim);
	log_free(&l);

	sim = new_default_sim(16384, false);
	ok(!run_spec("selftest", sim, 1, &l, NULL) && l.rounds == 100,
	   "selftest: the default 100 rounds");
	out = sim_counter(sim, SIM_SWPOUT, 4);
	fb = sim_counter(sim, SIM_SWPOUT_FALLBACK, 4);
	ok(out > 20000 && sim_inuse(sim) <= 960 * 16,
	   "selftest: %" PRIu64 " swpout, %" PRIu64 " swpout_fallback (%.2f%%) over 100 rounds",
	   out, fb, 100.0 * (double)fb / (double)(out + fb));
	sim_free(sim);
	log_free(&l);

	sim = new_default_sim(16384, true);
	rc = run_spec("selftest:rounds=5,small=1", sim, 1, NULL, NULL);
	ok(!rc, "selftest -s: five rounds, check_always (fallback %" PRIu64 ")",
	   sim_counter(sim, SIM_SWPOUT_FALLBACK, 4));
	sim_free(sim);

	sim_config_default(&cfg, 16384);
	cfg.synchronous_io = true;
	cfg.check_always = true;
	sim = new_sim(&cfg);
	rc = run_spec("selftest:version=2,rounds=2,small=1", sim, 1, NULL, NULL);
	ok(!rc && sim_counter(sim, SIM_SWPIN, 4) > 0,
	   "selftest version 2 on zram: large swap-ins (%" PRIu64 ")",
	   sim_counter(sim, SIM_SWPIN, 4));
	sim_free(sim);
	sim = new_sim(&cfg);
	ok(!run_spec("selftest:version=2,aligned=1,rounds=2", sim, 1, NULL, NULL),
	   "selftest version 2 aligned: runs");
	sim_free(sim);
	sim = new_default_sim(16384, true);
	ok(!run_spec("selftest:version=2,rounds=1", sim, 1, NULL, NULL) &&
	   !sim_counter(sim, SIM_SWPIN, 4),
	   "selftest version 2 without SWP_SYNCHRONOUS_IO: page by page");
	sim_free(sim);
}

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: %s FIXTURES_DIR\n", argv[0]);
		return 2;
	}
	fixtures = argv[1];

	test_basic();
	test_free_range();
	test_stages();
	test_fork();
	test_split();
	test_swapin();
	test_backing();
	test_repeat();
	test_cpus();
	test_discard();
	test_full_and_reclaim();
	test_device();
	test_good_all();
	test_bad_all();
	test_text_edges();
	test_every();

	test_specs();
	check_run_refusal("random:cpus=4", 4096, "wl-spec-cpus");
	check_run_refusal("random:orders=0+12", 4096, "wl-spec-orders");
	check_run_refusal("selftest:cpu=2", 16384, "wl-spec-cpu");
	check_run_refusal("selftest:folio=4M", 16384, "wl-spec-folio");
	check_determinism("random:fill=80,ops=50000", 16384);
	check_determinism("fragment:fill=70,holes=30,hole_order=2", 16384);
	check_determinism("selftest:rounds=4,small=1", 16384);
	test_seed_override();
	test_random_fill();
	test_random_cpus_discard();
	test_fragment();
	test_selftest();
	return tap_done();
}
