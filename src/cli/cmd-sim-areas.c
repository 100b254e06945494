// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * cmd-sim-areas.c - swapfs sim --area SPEC: SPEC is comma-separated
 * key=value, the keys those of the single-area options (size= or slots=,
 * rotational=, swapfile=, discard=, each 0 or 1) and prio= (0..32767, as
 * swapon -p takes it; without it the kernel's default). The areas are
 * swapped on in the order given: the first has swap type 0.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "args.h"
#include "cmd-sim-areas.h"

static const struct args_number cmd_sim_area_size = {
	"--area size=", NULL, 1, UINT64_MAX, ARGS_NUMBER_NO_MINUS | ARGS_NUMBER_SIZE,
};
static const struct args_number cmd_sim_area_slots = {
	"--area slots=", NULL, 2, UINT32_MAX, ARGS_NUMBER_NO_MINUS,
};
static const struct args_number cmd_sim_area_prio = {
	"--area prio=", NULL, 0, SIM_AREA_PRIO_MAX, ARGS_NUMBER_NO_MINUS,
};
static const struct args_number cmd_sim_area_bool = {
	"--area", "not 0 or 1", 0, 1, ARGS_NUMBER_NO_MINUS,
};

/* One key=value of an area's spec. */
static void cmd_sim_area_key(const struct cli_cmd *cmd, struct cmd_sim_area *x,
			     const char *key, const char *val)
{
	struct sim_config *c = &x->a.cfg;

	if (!strcmp(key, "size"))
		x->size = args_number(cmd, &cmd_sim_area_size, val);
	else if (!strcmp(key, "slots"))
		x->slots = (uint32_t)args_number(cmd, &cmd_sim_area_slots, val);
	else if (!strcmp(key, "prio")) {
		x->a.prio = (int)args_number(cmd, &cmd_sim_area_prio, val);
		x->a.has_prio = true;
	} else if (!strcmp(key, "rotational"))
		c->rotational = args_number(cmd, &cmd_sim_area_bool, val);
	else if (!strcmp(key, "swapfile"))
		c->swapfile = args_number(cmd, &cmd_sim_area_bool, val);
	else if (!strcmp(key, "discard"))
		c->discard = args_number(cmd, &cmd_sim_area_bool, val);
	else
		args_bad_value(cmd, "--area", x->spec,
			       "keys are size, slots, prio, rotational, swapfile, discard");
}

void cmd_sim_areas_add(const struct cli_cmd *cmd, struct cmd_sim_areas *as,
		       const char *spec)
{
	struct cmd_sim_area *x;
	char *copy, *word, *save = NULL, *eq;

	if (as->n == SIM_AREAS_MAX)
		args_bad_value(cmd, "--area", spec, "at most 32 areas");
	x = &as->area[as->n];
	memset(x, 0, sizeof(*x));
	x->spec = spec;
	copy = strdup(spec);
	if (!copy)
		args_bad_value(cmd, "--area", spec, strerror(ENOMEM));
	for (word = strtok_r(copy, ",", &save); word;
	     word = strtok_r(NULL, ",", &save)) {
		eq = strchr(word, '=');
		if (!eq || eq == word || !eq[1]) {
			free(copy);
			args_bad_value(cmd, "--area", spec, "not key=value,...");
		}
		*eq = '\0';
		cmd_sim_area_key(cmd, x, word, eq + 1);
	}
	free(copy);
	if (x->size && x->slots)
		args_bad_value(cmd, "--area", spec, "size= and slots= are mutually exclusive");
	as->n++;
}

int cmd_sim_areas_make(const struct cli_cmd *cmd, const struct cmd_sim_areas *as,
		       const struct sim_config *base, uint64_t default_bytes,
		       struct sim_areas **out)
{
	struct sim_area_config a[SIM_AREAS_MAX];
	const struct cmd_sim_area *x;
	struct diag d;
	uint64_t bytes;
	unsigned int i;
	int rc;

	for (i = 0; i < as->n; i++) {
		x = &as->area[i];
		a[i] = x->a;
		a[i].cfg.kernel = base->kernel;
		a[i].cfg.page_size = base->page_size;
		a[i].cfg.cluster_size = base->cluster_size;
		a[i].cfg.cpus = base->cpus;
		a[i].cfg.synchronous_io = base->synchronous_io;
		a[i].cfg.check_always = base->check_always;
		bytes = x->size ? x->size : default_bytes;
		if (!x->slots && (bytes / base->page_size < 2 ||
				  bytes / base->page_size > UINT32_MAX))
			args_bad_value(cmd, "--area", x->spec, "not 2 to 2^32-1 pages");
		a[i].cfg.slots = x->slots ? x->slots : (uint32_t)(bytes / base->page_size);
	}
	diag_clear(&d);
	rc = sim_areas_new(a, as->n, out, &d);
	return rc ? cli_diag_error("sim", rc, &d) : 0;
}
