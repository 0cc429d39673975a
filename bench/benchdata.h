/*
 * bench/benchdata — realistic branch data for the benchmarks and the fault
 * tests: Arabic and English names, Saudi national IDs with a valid Luhn
 * digit, Saudi mobiles, the catalog codes of screens/catalog.conf, and a
 * small deterministic PRNG so every run generates the same branch.
 *
 * Header-only (static functions): the benchmarks in bench/ and the fault
 * tests in tests/ include it without a library of their own.
 *
 * Invariants:
 *  1. Deterministic: the same seed gives the same data (xorshift64*).
 *  2. Every national ID generated passes luhn_valid and starts with 1 or 2;
 *     every mobile is 05[0345-9]XXXXXXX (validate_mobile accepts both).
 *  3. Catalog codes are exactly those of screens/catalog.conf, so a kiosk
 *     opened on a generated database offers the same services.
 */
#ifndef KHIDMA_BENCH_BENCHDATA_H
#define KHIDMA_BENCH_BENCHDATA_H

#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "store/store.h"

struct bd_rng { uint64_t s; };

static inline uint64_t bd_next(struct bd_rng *r)
{
	r->s ^= r->s >> 12;
	r->s ^= r->s << 25;
	r->s ^= r->s >> 27;
	return r->s * 0x2545F4914F6CDD1DULL;
}

/* Uniform in [0, n). */
static inline uint32_t bd_below(struct bd_rng *r, uint32_t n)
{
	return n ? (uint32_t)(bd_next(r) % n) : 0;
}

static const char *const bd_ar_first[] = {
	"محمد", "أحمد", "عبدالله", "عبدالرحمن", "فهد", "خالد", "سعود", "فيصل",
	"سلطان", "ناصر", "تركي", "عبدالعزيز", "يوسف", "إبراهيم", "عمر", "علي",
	"نورة", "سارة", "فاطمة", "مريم", "هيا", "ريم", "لطيفة", "عائشة", "منيرة",
	"أمل", "هند", "جواهر", "العنود", "شهد",
};
static const char *const bd_ar_family[] = {
	"العتيبي", "القحطاني", "الغامدي", "الزهراني", "الشمري", "الدوسري",
	"الحربي", "المطيري", "السبيعي", "العنزي", "الشهري", "البقمي", "الرشيدي",
	"آل سعود", "الخالدي", "السهلي", "الجهني", "التميمي", "العمري", "المالكي",
};
static const char *const bd_en_first[] = {
	"Mohammed", "Ahmed", "Abdullah", "Abdulrahman", "Fahad", "Khalid",
	"Saud", "Faisal", "Sultan", "Nasser", "Noura", "Sarah", "Fatimah",
	"Maryam", "Haya", "Reem", "John", "Priya", "Rahul", "Maria",
};
static const char *const bd_en_family[] = {
	"Al-Otaibi", "Al-Qahtani", "Al-Ghamdi", "Al-Zahrani", "Al-Shammari",
	"Al-Dosari", "Al-Harbi", "Al-Mutairi", "Khan", "Fernandes", "Smith",
	"Rahman", "Hussain", "Al-Anazi", "Al-Shehri",
};

#define BD_LEN(a) ((uint32_t)(sizeof(a) / sizeof((a)[0])))

static const char *const bd_services[] = {
	"membership", "maintenance", "electrical", "plumbing", "ac", "training",
	"support", "other",
};
static const char *const bd_channels[] = {
	"in_person", "phone", "social_media", "letter", "help_request",
	"volunteering", "website", "branch_rep",
};
static const char *const bd_questions[] = {
	"courtesy", "time", "clarity", "speed", "overall",
};
static const char *const bd_categories[] = { "member", "supporter", "volunteer" };

static const char *const bd_desc_ar[] = {
	"أرجو صيانة المكيف في الصالة لأنه لا يبرد",
	"طلب تسجيل عضوية جديدة في الجمعية",
	"تسريب في دورة المياه منذ أسبوع",
	"أرغب في الالتحاق بالدورة التدريبية القادمة",
	"انقطاع الكهرباء عن غرفة النوم",
};
static const char *const bd_desc_en[] = {
	"The air conditioner in the living room does not cool.",
	"Please register me as a new member of the society.",
	"Water leak in the bathroom for a week.",
	"I would like to join the next training course.",
	"No power in the bedroom since Tuesday.",
};

/* "First Father Family" in Arabic (70 %) or English; *arabic says which. */
static inline void bd_name(struct bd_rng *r, char *out, size_t n, int *arabic)
{
	if (bd_below(r, 10) < 7) {
		snprintf(out, n, "%s %s %s", bd_ar_first[bd_below(r, BD_LEN(bd_ar_first))],
		         bd_ar_first[bd_below(r, 16)],
		         bd_ar_family[bd_below(r, BD_LEN(bd_ar_family))]);
		if (arabic)
			*arabic = 1;
	} else {
		snprintf(out, n, "%s %s %s", bd_en_first[bd_below(r, BD_LEN(bd_en_first))],
		         bd_en_first[bd_below(r, 10)],
		         bd_en_family[bd_below(r, BD_LEN(bd_en_family))]);
		if (arabic)
			*arabic = 0;
	}
}

/* The Luhn check digit for the 9 digits d[0..9). */
static inline int bd_luhn_digit(const char *d9)
{
	int sum = 0;

	/* With the check digit appended at the right, the digit next to it is
	 * doubled, then every second one going left. */
	for (int i = 0; i < 9; i++) {
		int v = d9[8 - i] - '0';

		if (i % 2 == 0) {
			v *= 2;
			if (v > 9)
				v -= 9;
		}
		sum += v;
	}
	return (10 - sum % 10) % 10;
}

/* A 10-digit national ID (citizen 1…, resident 2…) with a valid Luhn digit. */
static inline void bd_national_id(struct bd_rng *r, char out[16])
{
	out[0] = bd_below(r, 10) < 8 ? '1' : '2';
	for (int i = 1; i < 9; i++)
		out[i] = (char)('0' + bd_below(r, 10));
	out[9] = (char)('0' + bd_luhn_digit(out));
	out[10] = '\0';
}

/* A Saudi mobile 05[0345-9]XXXXXXX. */
static inline void bd_mobile(struct bd_rng *r, char out[16])
{
	static const char pre[] = "0345679";

	out[0] = '0';
	out[1] = '5';
	out[2] = pre[bd_below(r, 7)];
	for (int i = 3; i < 10; i++)
		out[i] = (char)('0' + bd_below(r, 10));
	out[10] = '\0';
}

/* Seed the catalog with the codes of screens/catalog.conf (names are short
 * placeholders in both languages; a kiosk run upserts the real ones). */
static inline st_rc bd_seed_catalog(store *s)
{
	static const struct { const char *kind; const char *const *codes; uint32_t n; } k[] = {
		{ "service", bd_services, BD_LEN(bd_services) },
		{ "channel", bd_channels, BD_LEN(bd_channels) },
		{ "question", bd_questions, BD_LEN(bd_questions) },
	};
	for (size_t i = 0; i < sizeof k / sizeof k[0]; i++)
		for (uint32_t j = 0; j < k[i].n; j++) {
			struct catalog_item it = { 0 };
			st_rc rc;

			snprintf(it.code, sizeof it.code, "%s", k[i].codes[j]);
			it.name_en = (char *)k[i].codes[j];
			it.name_ar = (char *)k[i].codes[j];
			it.sort = (int)j;
			it.active = true;
			if ((rc = store_catalog_upsert(s, k[i].kind, &it)) != ST_OK)
				return rc;
		}
	return ST_OK;
}

/* Fill r (caller's buffers for the strings) as a kiosk would submit it. */
struct bd_req_buf { char name[160]; char desc[256]; char sig[160]; };

static inline void bd_request(struct bd_rng *rng, struct request *r,
                              struct bd_req_buf *b)
{
	int ar = 0;

	memset(r, 0, sizeof *r);
	bd_name(rng, b->name, sizeof b->name, &ar);
	snprintf(b->desc, sizeof b->desc, "%s", ar
	         ? bd_desc_ar[bd_below(rng, BD_LEN(bd_desc_ar))]
	         : bd_desc_en[bd_below(rng, BD_LEN(bd_desc_en))]);
	snprintf(b->sig, sizeof b->sig, "%s", b->name);
	snprintf(r->category, sizeof r->category, "%s",
	         bd_categories[bd_below(rng, BD_LEN(bd_categories))]);
	r->name = b->name;
	bd_national_id(rng, r->national_id);
	bd_mobile(rng, r->mobile);
	r->email = "";
	snprintf(r->service, sizeof r->service, "%s",
	         bd_services[bd_below(rng, BD_LEN(bd_services))]);
	snprintf(r->channel, sizeof r->channel, "%s",
	         bd_channels[bd_below(rng, BD_LEN(bd_channels))]);
	r->description = b->desc;
	r->declared_at = time(NULL);
	r->signature = b->sig;
	r->declaration_version = 1;
	snprintf(r->declared_by, sizeof r->declared_by, "kiosk");
}

#endif
