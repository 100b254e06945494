// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * snapshot.c - the model's storage: the slot words, the clusters and the
 * sorted side tables for what is rare (snapshot.h).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "swapfs/array.h"
#include "swapfs/snapshot.h"
#include "swapfs/stream.h"

/*
 * Big slot arrays (a 1 TiB device has 512 MiB of them) come from mmap with
 * MADV_HUGEPAGE: zero-filled like calloc, but faulted in 2 MiB at a time,
 * which halves the time a loader spends on first touch.
 */
#define SNAPSHOT_MAP_MIN	(4u << 20)

/* The side tables' first allocation, in items: most stay that small. */
#define SNAPSHOT_FIRST_ALLOC	16

static uint16_t *snapshot_alloc_slots(struct snapshot *s, uint32_t max)
{
	size_t len = (size_t)max * sizeof(uint16_t);
	void *p;

	s->slots_mapped = 0;
	if (len < SNAPSHOT_MAP_MIN)
		return calloc(max, sizeof(uint16_t));
	p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
		 -1, 0);
	if (p == MAP_FAILED)
		return NULL;
	madvise(p, len, MADV_HUGEPAGE);	/* a hint: THP may be off */
	s->slots_mapped = len;
	return p;
}

static void snapshot_free_slots(struct snapshot *s)
{
	if (s->slots_mapped)
		munmap(s->slots, s->slots_mapped);
	else
		free(s->slots);
	s->slots = NULL;
	s->slots_mapped = 0;
}

struct snapshot *snapshot_new(void)
{
	struct snapshot *s = calloc(1, sizeof(*s));

	if (s)
		s->prov.step = -1;
	return s;
}

void snapshot_free(struct snapshot *s)
{
	size_t i;

	if (!s)
		return;
	stream_free(s->stream);	/* its producer writes the slot array */
	for (i = 0; i < s->nr_info; i++) {
		free(s->info[i].key);
		free(s->info[i].value);
	}
	free(s->info);
	snapshot_free_slots(s);
	free(s->clusters);
	free(s->counts);
	free(s->shmem);
	free(s->folios);
	free(s->next);
	free(s->strings);
	free(s->procs);
	free(s->refs);
	free(s->refs_by_slot);
	free(s->moving);
	free(s->prov.source_kind);
	free(s->prov.source_path);
	free(s->prov.created);
	free(s->prov.note);
	free(s);
}

int snapshot_set_geometry(struct snapshot *s, uint32_t max, uint32_t cluster_size)
{
	uint32_t shift = 0;
	uint64_t nr_clusters;

	if (!max || !cluster_size || cluster_size > SNAPSHOT_MAX_CLUSTER_SIZE ||
	    (cluster_size & (cluster_size - 1)))
		return -EINVAL;
	while ((1u << shift) < cluster_size)
		shift++;
	nr_clusters = ((uint64_t)max + cluster_size - 1) >> shift;

	snapshot_free_slots(s);
	free(s->clusters);
	s->slots = snapshot_alloc_slots(s, max);
	s->clusters = calloc(nr_clusters, sizeof(*s->clusters));
	if (!s->slots || !s->clusters) {
		snapshot_free_slots(s);
		free(s->clusters);
		s->clusters = NULL;
		return -ENOMEM;
	}
	s->dev.max = max;
	s->dev.cluster_size = cluster_size;
	s->dev.cluster_shift = shift;
	s->dev.nr_clusters = (uint32_t)nr_clusters;
	if (!s->dev.nr_orders)
		s->dev.nr_orders = shift + 1;
	return 0;
}

int snapshot_set_string(char **field, const char *v)
{
	char *copy = NULL;

	if (v && !(copy = strdup(v)))
		return -ENOMEM;
	free(*field);
	*field = copy;
	return 0;
}

int snapshot_info_add(struct snapshot *s, const char *key, const char *value)
{
	struct snapshot_info *e;

	if (array_grow((void **)&s->info, &s->alloc_info, s->nr_info,
		       sizeof(*s->info), SNAPSHOT_FIRST_ALLOC))
		return -ENOMEM;
	e = &s->info[s->nr_info];
	e->key = strdup(key);
	e->value = strdup(value);
	if (!e->key || !e->value) {
		free(e->key);
		free(e->value);
		return -ENOMEM;
	}
	s->nr_info++;
	return 0;
}

static struct snapshot_info *snapshot_info_find(const struct snapshot *s,
						const char *key)
{
	size_t i;

	for (i = 0; i < s->nr_info; i++)
		if (!strcmp(s->info[i].key, key))
			return &s->info[i];
	return NULL;
}

const char *snapshot_info_get(const struct snapshot *s, const char *key)
{
	struct snapshot_info *e = snapshot_info_find(s, key);

	return e ? e->value : NULL;
}

int snapshot_info_set(struct snapshot *s, const char *key, const char *value)
{
	struct snapshot_info *e = snapshot_info_find(s, key);

	if (!e)
		return snapshot_info_add(s, key, value);
	return snapshot_set_string(&e->value, value);
}

static int snapshot_count_cmp(const void *a, const void *b)
{
	const struct snapshot_count *x = a, *y = b;

	return (x->slot > y->slot) - (x->slot < y->slot);
}

static struct snapshot_count *snapshot_count_find(const struct snapshot *s,
						  uint32_t slot)
{
	struct snapshot_count key = { .slot = slot };

	if (!s->nr_counts)
		return NULL;
	return bsearch(&key, s->counts, s->nr_counts, sizeof(key),
		       snapshot_count_cmp);
}

/* Index where @slot belongs in the sorted counts table. */
static size_t snapshot_count_pos(const struct snapshot *s, uint32_t slot)
{
	size_t lo = 0, hi = s->nr_counts;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (s->counts[mid].slot < slot)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

int snapshot_set_count(struct snapshot *s, uint32_t slot, uint32_t count)
{
	uint16_t *w = &s->slots[slot];
	struct snapshot_count *big = snapshot_count_find(s, slot);
	size_t pos;

	*w &= ~SNAPSHOT_SLOT_COUNT;
	if (count <= SNAPSHOT_COUNT_INLINE_MAX) {
		*w |= count;
		if (big) {
			pos = big - s->counts;
			memmove(big, big + 1,
				(s->nr_counts - pos - 1) * sizeof(*big));
			s->nr_counts--;
		}
		return 0;
	}
	*w |= SNAPSHOT_COUNT_BIG;
	if (big) {
		big->count = count;
		return 0;
	}
	if (array_grow((void **)&s->counts, &s->alloc_counts, s->nr_counts,
		       sizeof(*s->counts), SNAPSHOT_FIRST_ALLOC))
		return -ENOMEM;
	pos = snapshot_count_pos(s, slot);
	memmove(&s->counts[pos + 1], &s->counts[pos],
		(s->nr_counts - pos) * sizeof(*s->counts));
	s->counts[pos].slot = slot;
	s->counts[pos].count = count;
	s->nr_counts++;
	return 0;
}

uint32_t snapshot_count(const struct snapshot *s, uint32_t slot)
{
	uint16_t c = s->slots[slot] & SNAPSHOT_SLOT_COUNT;
	struct snapshot_count *big;

	if (c != SNAPSHOT_COUNT_BIG)
		return c;
	big = snapshot_count_find(s, slot);
	return big ? big->count : SNAPSHOT_COUNT_BIG;
}

int snapshot_add_run(struct snapshot *s, uint32_t offset, unsigned int order,
		     uint32_t *clash)
{
	uint64_t end = (uint64_t)offset + (1ull << (order > 31 ? 31 : order));
	uint32_t i;

	if (order > SNAPSHOT_MAX_ORDER)
		return -ERANGE;
	if (end > s->dev.max) {
		if (clash)
			*clash = s->dev.max;
		return -EINVAL;
	}
	for (i = offset; i < end; i++) {
		if (s->slots[i] & SNAPSHOT_SLOT_ORDER) {
			if (clash)
				*clash = i;
			return -EINVAL;
		}
	}
	for (i = offset; i < end; i++)
		s->slots[i] |= (uint16_t)((order + 1) << SNAPSHOT_SLOT_ORDER_SHIFT);
	s->slots[offset] |= SNAPSHOT_SLOT_HEAD;
	return 0;
}

int snapshot_run_at(const struct snapshot *s, uint32_t slot, uint32_t *start,
		    unsigned int *order)
{
	int k = snapshot_slot_order(s->slots[slot]);
	uint32_t i = slot;

	if (k < 0)
		return -ENOENT;
	/* Runs never overlap, so the nearest head at or before is ours. */
	while (!(s->slots[i] & SNAPSHOT_SLOT_HEAD)) {
		if (!i || slot - i >= (1u << k))
			return -ENOENT;	/* cannot happen for add_run() runs */
		i--;
	}
	*start = i;
	*order = (unsigned int)k;
	return 0;
}

int snapshot_remove_run(struct snapshot *s, uint32_t slot)
{
	uint32_t start, i, end;
	unsigned int order;

	if (slot >= s->dev.max || snapshot_run_at(s, slot, &start, &order))
		return -ENOENT;
	/* add_run() kept it below max; the check spares a torn snapshot */
	end = (uint64_t)start + (1ull << order) > s->dev.max ? s->dev.max :
	      start + (1u << order);
	for (i = start; i < end; i++)
		s->slots[i] &= (uint16_t)~(SNAPSHOT_SLOT_ORDER | SNAPSHOT_SLOT_HEAD);
	return 0;
}

static int snapshot_u32_cmp(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return (x > y) - (x < y);
}

int snapshot_add_shmem(struct snapshot *s, uint32_t slot)
{
	if (array_grow((void **)&s->shmem, &s->alloc_shmem, s->nr_shmem,
		       sizeof(*s->shmem), SNAPSHOT_FIRST_ALLOC))
		return -ENOMEM;
	s->shmem[s->nr_shmem++] = slot;
	return 0;
}

bool snapshot_is_shmem(const struct snapshot *s, uint32_t slot)
{
	return s->nr_shmem && bsearch(&slot, s->shmem, s->nr_shmem,
				      sizeof(slot), snapshot_u32_cmp);
}

static const char *const snapshot_folio_flags[SNAPSHOT_FOLIO_NR_FLAGS] = {
	"locked", "dirty", "writeback", "uptodate", "reclaim", "large_rmappable",
};

const char *snapshot_folio_flag_name(unsigned int bit_index)
{
	return bit_index < SNAPSHOT_FOLIO_NR_FLAGS ?
		snapshot_folio_flags[bit_index] : NULL;
}

bool snapshot_flag_name_ok(const char *name, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		if (!((name[i] >= 'a' && name[i] <= 'z') ||
		      (name[i] >= '0' && name[i] <= '9') || name[i] == '_'))
			return false;
	return len > 0;
}

bool snapshot_flag_listed(const char *list, size_t len, const char *name,
			  size_t n)
{
	const char *p = list, *end = list + len, *comma;

	while (p < end) {
		comma = memchr(p, ',', (size_t)(end - p));
		if (!comma)
			comma = end;
		if ((size_t)(comma - p) == n && !memcmp(p, name, n))
			return true;
		p = comma + 1;
	}
	return false;
}

int snapshot_folio_flag_parse(const char *name, size_t len)
{
	int i;

	for (i = 0; i < SNAPSHOT_FOLIO_NR_FLAGS; i++)
		if (strlen(snapshot_folio_flags[i]) == len &&
		    !memcmp(snapshot_folio_flags[i], name, len))
			return i;
	return -1;
}

/* Keep @str in the string pool; returns 1 + its offset, or 0 on ENOMEM. */
static uint32_t snapshot_intern(struct snapshot *s, const char *str)
{
	size_t len = strlen(str) + 1;
	uint32_t off;

	if (s->strings_len + len > UINT32_MAX - 1)
		return 0;
	if (s->strings_len + len > s->strings_alloc) {
		size_t want = s->strings_alloc ? s->strings_alloc * 2 : 256;
		char *p;

		while (want < s->strings_len + len)
			want *= 2;
		p = realloc(s->strings, want);
		if (!p)
			return 0;
		s->strings = p;
		s->strings_alloc = want;
	}
	off = (uint32_t)s->strings_len;
	memcpy(s->strings + off, str, len);
	s->strings_len += len;
	return off + 1;
}

int snapshot_add_folio(struct snapshot *s, uint32_t offset, unsigned int order,
		       unsigned int flags, const char *extra)
{
	struct snapshot_folio *f;
	uint32_t ref = 0;

	if (order > SNAPSHOT_MAX_ORDER)
		return -ERANGE;
	if (extra && *extra && !(ref = snapshot_intern(s, extra)))
		return -ENOMEM;
	if (array_grow((void **)&s->folios, &s->alloc_folios, s->nr_folios,
		       sizeof(*s->folios), SNAPSHOT_FIRST_ALLOC))
		return -ENOMEM;
	f = &s->folios[s->nr_folios++];
	f->offset = offset;
	f->order = (uint8_t)order;
	f->reserved = 0;
	f->flags = (uint16_t)flags;
	f->extra = ref;
	return 0;
}

const char *snapshot_folio_extra(const struct snapshot *s,
				 const struct snapshot_folio *f)
{
	return f->extra ? s->strings + f->extra - 1 : "";
}

size_t snapshot_folios_from(const struct snapshot *s, uint32_t slot)
{
	size_t lo = 0, hi = s->nr_folios;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (s->folios[mid].offset < slot)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

const struct snapshot_folio *snapshot_folio_at(const struct snapshot *s,
					       uint32_t slot)
{
	size_t i = snapshot_folios_from(s, slot);
	const struct snapshot_folio *f;

	if (i < s->nr_folios && s->folios[i].offset == slot)
		return &s->folios[i];
	if (!i)
		return NULL;
	f = &s->folios[i - 1];	/* folios do not overlap: only it can cover */
	return (uint64_t)f->offset + (1ull << f->order) > slot ? f : NULL;
}

int snapshot_add_next(struct snapshot *s, int32_t cpu, uint32_t order,
		      uint32_t offset)
{
	struct snapshot_next *n;

	if (array_grow((void **)&s->next, &s->alloc_next, s->nr_next,
		       sizeof(*s->next), SNAPSHOT_FIRST_ALLOC))
		return -ENOMEM;
	n = &s->next[s->nr_next++];
	n->cpu = cpu;
	n->order = order;
	n->offset = offset;
	return 0;
}

int snapshot_add_proc(struct snapshot *s, int32_t pid, const char *comm,
		      uint32_t *index)
{
	struct snapshot_proc *p;

	if (s->nr_procs >= UINT32_MAX)
		return -ENOMEM;
	if (array_grow((void **)&s->procs, &s->alloc_procs, s->nr_procs,
		       sizeof(*s->procs), SNAPSHOT_FIRST_ALLOC))
		return -ENOMEM;
	p = &s->procs[s->nr_procs];
	p->pid = pid;
	snprintf(p->comm, sizeof(p->comm), "%s", comm ? comm : "");
	*index = (uint32_t)s->nr_procs++;
	return 0;
}

int snapshot_add_ref(struct snapshot *s, uint32_t proc, uint64_t vaddr,
		     uint32_t slot)
{
	struct snapshot_ref *r;

	if (s->nr_refs >= UINT32_MAX)
		return -ENOMEM;
	if (array_grow((void **)&s->refs, &s->alloc_refs, s->nr_refs,
		       sizeof(*s->refs), SNAPSHOT_FIRST_ALLOC))
		return -ENOMEM;
	r = &s->refs[s->nr_refs++];
	r->vaddr = vaddr;
	r->slot = slot;
	r->proc = proc;
	return 0;
}

void snapshot_drop_proc(struct snapshot *s, size_t first_ref)
{
	if (s->nr_procs)
		s->nr_procs--;
	if (first_ref < s->nr_refs)
		s->nr_refs = first_ref;
}

long snapshot_proc_find(const struct snapshot *s, int32_t pid)
{
	size_t lo = 0, hi = s->nr_procs;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (s->procs[mid].pid < pid)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < s->nr_procs && s->procs[lo].pid == pid ? (long)lo : -1;
}

size_t snapshot_proc_refs(const struct snapshot *s, uint32_t proc,
			  size_t *first)
{
	size_t lo = 0, hi = s->nr_refs, end;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (s->refs[mid].proc < proc)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (end = lo; end < s->nr_refs && s->refs[end].proc == proc; end++)
		;
	*first = lo;
	return end - lo;
}

size_t snapshot_slot_refs(const struct snapshot *s, uint32_t slot,
			  size_t *first)
{
	size_t lo = 0, hi = s->nr_refs, end;

	if (!s->refs_by_slot) {
		*first = 0;
		return 0;
	}
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (s->refs[s->refs_by_slot[mid]].slot < slot)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (end = lo; end < s->nr_refs &&
	     s->refs[s->refs_by_slot[end]].slot == slot; end++)
		;
	*first = lo;
	return end - lo;
}

static int snapshot_ref_cmp(const void *a, const void *b)
{
	const struct snapshot_ref *x = a, *y = b;

	if (x->proc != y->proc)
		return x->proc < y->proc ? -1 : 1;
	return x->vaddr < y->vaddr ? -1 : x->vaddr > y->vaddr;
}

static int snapshot_proc_cmp(const void *a, const void *b)
{
	const struct snapshot_proc *x = a, *y = b;

	return x->pid < y->pid ? -1 : x->pid > y->pid;
}

/* Process indexes of the references, after the processes were sorted. */
static void snapshot_sort_procs(struct snapshot *s)
{
	size_t i;

	for (i = 0; i + 1 < s->nr_procs; i++)
		if (s->procs[i].pid >= s->procs[i + 1].pid)
			break;
	if (i + 1 >= s->nr_procs)
		return;		/* added in pid order, as a capture does */
	/* the pid stands in for the index while the processes move */
	for (i = 0; i < s->nr_refs; i++)
		s->refs[i].proc = (uint32_t)s->procs[s->refs[i].proc].pid;
	qsort(s->procs, s->nr_procs, sizeof(*s->procs), snapshot_proc_cmp);
	for (i = 0; i < s->nr_refs; i++)
		s->refs[i].proc = (uint32_t)snapshot_proc_find(s,
						(int32_t)s->refs[i].proc);
}

/*
 * refs_by_slot: the reference indexes by slot, by two stable radix passes
 * of 16 bits over (slot, index) pairs, so the references of one slot keep
 * their (process, address) order: O(n) and 16 bytes a reference, whatever
 * the device's size.
 */
int snapshot_index_refs(struct snapshot *s)
{
	size_t n = s->nr_refs, i, pos[1u << 16];
	uint64_t *a, *b, *from, *to;
	unsigned int pass, shift, k;

	if (s->refs_by_slot || !n)
		return 0;
	a = malloc(n * sizeof(*a) + 1);
	b = malloc(n * sizeof(*b) + 1);
	s->refs_by_slot = malloc(n * sizeof(*s->refs_by_slot) + 1);
	if (!a || !b || !s->refs_by_slot) {
		free(a);
		free(b);
		free(s->refs_by_slot);
		s->refs_by_slot = NULL;
		return -ENOMEM;
	}
	for (i = 0; i < n; i++)
		a[i] = (uint64_t)s->refs[i].slot << 32 | i;
	from = a;
	to = b;
	for (pass = 0; pass < 2; pass++) {
		shift = 32 + 16 * pass;
		memset(pos, 0, sizeof(pos));
		for (i = 0; i < n; i++)
			pos[(from[i] >> shift) & 0xffff]++;
		for (k = 0, i = 0; k < (1u << 16); k++) {
			size_t c = pos[k];

			pos[k] = i;
			i += c;
		}
		for (i = 0; i < n; i++)
			to[pos[(from[i] >> shift) & 0xffff]++] = from[i];
		from = to;
		to = to == a ? b : a;
	}
	for (i = 0; i < n; i++)
		s->refs_by_slot[i] = (uint32_t)from[i];
	free(a);
	free(b);
	return 0;
}

/*
 * Processes by pid, references by process and address, and the index by
 * slot. Sources add processes in any order: the references are renumbered.
 */
static int snapshot_finish_refs(struct snapshot *s, uint32_t *clash)
{
	bool sorted = true;
	size_t i;

	free(s->refs_by_slot);
	s->refs_by_slot = NULL;
	if (!s->nr_procs && !s->nr_refs)
		return 0;
	for (i = 0; i < s->nr_refs; i++) {
		if (s->refs[i].proc >= s->nr_procs || s->refs[i].slot >= s->dev.max) {
			*clash = s->refs[i].slot;
			return -EINVAL;
		}
	}
	snapshot_sort_procs(s);
	for (i = 0; i + 1 < s->nr_procs; i++) {
		if (s->procs[i].pid == s->procs[i + 1].pid) {
			*clash = 0;
			return -EINVAL;
		}
	}
	/* one pass: in order and unique is what sources give (a capture) */
	for (i = 0; i + 1 < s->nr_refs; i++) {
		const struct snapshot_ref *x = &s->refs[i], *y = x + 1;

		if (x->proc < y->proc || (x->proc == y->proc && x->vaddr < y->vaddr))
			continue;
		if (x->proc == y->proc && x->vaddr == y->vaddr) {
			*clash = x->slot;
			return -EINVAL;
		}
		sorted = false;
		break;
	}
	if (!sorted) {
		qsort(s->refs, s->nr_refs, sizeof(*s->refs), snapshot_ref_cmp);
		for (i = 0; i + 1 < s->nr_refs; i++) {
			if (!snapshot_ref_cmp(&s->refs[i], &s->refs[i + 1])) {
				*clash = s->refs[i].slot;
				return -EINVAL;
			}
		}
	}
	return 0;
}

static int snapshot_folio_cmp(const void *a, const void *b)
{
	const struct snapshot_folio *x = a, *y = b;

	return (x->offset > y->offset) - (x->offset < y->offset);
}

int snapshot_finish(struct snapshot *s, uint32_t *clash)
{
	size_t i;

	if (s->nr_shmem)
		qsort(s->shmem, s->nr_shmem, sizeof(*s->shmem), snapshot_u32_cmp);
	if (s->nr_folios)
		qsort(s->folios, s->nr_folios, sizeof(*s->folios),
		      snapshot_folio_cmp);
	for (i = 0; i < s->nr_folios; i++) {
		uint64_t end = (uint64_t)s->folios[i].offset +
			       (1ull << s->folios[i].order);

		if (end > s->dev.max ||
		    (i + 1 < s->nr_folios && end > s->folios[i + 1].offset)) {
			if (clash)
				*clash = end > s->dev.max ? s->folios[i].offset :
					 s->folios[i + 1].offset;
			return -EINVAL;
		}
	}
	return snapshot_finish_refs(s, clash ? clash : &(uint32_t){ 0 });
}

static const char *const snapshot_cluster_flags[SNAPSHOT_CLUSTER_NR_FLAGS] = {
	"none", "free", "nonfull", "frag", "full", "discard",
};

const char *snapshot_size_name(uint64_t bytes, char *buf, size_t len)
{
	static const char suffix[] = "KMGTP";
	unsigned int i = 0;
	uint64_t v = bytes / 1024;

	while (v >= 1024 && !(v % 1024) && i < sizeof(suffix) - 2) {
		v /= 1024;
		i++;
	}
	snprintf(buf, len, "%" PRIu64 "%c", v, suffix[i]);
	return buf;
}

const char *snapshot_cluster_flag_name(unsigned int flag)
{
	return flag < SNAPSHOT_CLUSTER_NR_FLAGS ?
		snapshot_cluster_flags[flag] : "?";
}

int snapshot_cluster_flag_parse(const char *name, size_t len)
{
	int i;

	for (i = 0; i < SNAPSHOT_CLUSTER_NR_FLAGS; i++)
		if (strlen(snapshot_cluster_flags[i]) == len &&
		    !memcmp(snapshot_cluster_flags[i], name, len))
			return i;
	return -1;
}
