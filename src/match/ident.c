/*
 * Identifiers and countries of screening input.
 *
 * A check character catches most mistyped or truncated identifiers, and a
 * wrong identifier that happens to exist in the store would give a
 * confident wrong match; so a value that has the shape of an ISIN, LEI or
 * USCC, or comes from a CUSIP or SEDOL column, is looked up only when its
 * check passes.
 */
#include "match/match_internal.h"

#include <ctype.h>
#include <string.h>
#include <strings.h>

static int all_alnum_upper(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!(isdigit((unsigned char)s[i]) || (s[i] >= 'A' && s[i] <= 'Z')))
			return 0;
	return 1;
}

/* ISO 6166: two letters of country, nine alphanumerics, a check digit.
 * Letters become numbers (A = 10 … Z = 35), and the Luhn sum of the digits
 * so written, the check digit included, is a multiple of 10. */
int tm_match_isin_valid(const char *s)
{
	if (!s || strlen(s) != 12 || !isupper((unsigned char)s[0]) || !isupper((unsigned char)s[1]) ||
	    !all_alnum_upper(s, 12) || !isdigit((unsigned char)s[11]))
		return 0;
	int digits[24], n = 0;
	for (int i = 0; i < 12; i++) {
		int v = isdigit((unsigned char)s[i]) ? s[i] - '0' : s[i] - 'A' + 10;
		if (v >= 10)
			digits[n++] = v / 10;
		digits[n++] = v % 10;
	}
	int sum = 0;
	for (int i = n - 1, k = 0; i >= 0; i--, k++) {
		int d = digits[i];
		if (k % 2 == 1) {
			d *= 2;
			if (d > 9)
				d -= 9;
		}
		sum += d;
	}
	return sum % 10 == 0;
}

/* ISO 17442: eighteen alphanumerics and two check digits; with letters as
 * numbers (A = 10 …), the whole is 1 modulo 97 (ISO 7064 MOD 97-10). */
int tm_match_lei_valid(const char *s)
{
	if (!s || strlen(s) != 20 || !all_alnum_upper(s, 20) || !isdigit((unsigned char)s[18]) ||
	    !isdigit((unsigned char)s[19]))
		return 0;
	int r = 0;
	for (int i = 0; i < 20; i++) {
		int v = isdigit((unsigned char)s[i]) ? s[i] - '0' : s[i] - 'A' + 10;
		r = v >= 10 ? (r * 100 + v) % 97 : (r * 10 + v) % 97;
	}
	return r == 1;
}

/* GB 32100-2015, the unified social credit code: eighteen characters from
 * 0-9 and the capitals without I, O, Z, S, V; the last is the check
 * character, 31 - (Σ value·3^i mod 31) mod 31 with weights 3^i mod 31. */
static const char uscc_alphabet[] = "0123456789ABCDEFGHJKLMNPQRTUWXY";

static int uscc_value(char c)
{
	const char *p = c ? strchr(uscc_alphabet, c) : NULL;
	return p ? (int)(p - uscc_alphabet) : -1;
}

static int uscc_shape(const char *s)
{
	if (!s || strlen(s) != 18)
		return 0;
	for (int i = 0; i < 18; i++)
		if (uscc_value(s[i]) < 0)
			return 0;
	/* digits 3-8 are the administrative division code */
	for (int i = 2; i < 8; i++)
		if (!isdigit((unsigned char)s[i]))
			return 0;
	return 1;
}

int tm_match_uscc_valid(const char *s)
{
	static const int w[17] = { 1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28 };
	if (!uscc_shape(s))
		return 0;
	int sum = 0;
	for (int i = 0; i < 17; i++)
		sum += uscc_value(s[i]) * w[i];
	int check = (31 - sum % 31) % 31;
	return uscc_value(s[17]) == check;
}

/* CUSIP (ANSI X9.6): eight characters (digits, letters, and * @ # in
 * private issues) and a check digit: values 0-9, A = 10 … Z = 35, * = 36,
 * @ = 37, # = 38; every second one doubled; the digits of each summed. */
int tm_match_cusip_valid(const char *s)
{
	if (!s || strlen(s) != 9 || !isdigit((unsigned char)s[8]))
		return 0;
	int sum = 0;
	for (int i = 0; i < 8; i++) {
		char c = s[i];
		int v = isdigit((unsigned char)c) ? c - '0' :
			c >= 'A' && c <= 'Z'	   ? c - 'A' + 10 :
			c == '*'		   ? 36 :
			c == '@'		   ? 37 :
			c == '#'		   ? 38 :
						     -1;
		if (v < 0)
			return 0;
		if (i % 2 == 1)
			v *= 2;
		sum += v / 10 + v % 10;
	}
	return (10 - sum % 10) % 10 == s[8] - '0';
}

/* SEDOL (London Stock Exchange): six characters, digits and consonants
 * (no vowels since 2004), weighted 1 3 1 7 3 9 with letters as 10 …; the
 * seventh digit brings the sum to a multiple of 10. */
int tm_match_sedol_valid(const char *s)
{
	static const int w[6] = { 1, 3, 1, 7, 3, 9 };
	if (!s || strlen(s) != 7 || !isdigit((unsigned char)s[6]))
		return 0;
	int sum = 0;
	for (int i = 0; i < 6; i++) {
		char c = s[i];
		if (strchr("AEIOU", c) && c)
			return 0;
		int v = isdigit((unsigned char)c) ? c - '0' : c >= 'A' && c <= 'Z' ? c - 'A' + 10 : -1;
		if (v < 0)
			return 0;
		sum += v * w[i];
	}
	return (10 - sum % 10) % 10 == s[6] - '0';
}

int tm_match_ident_check(const char *scheme, const char *s)
{
	if (!scheme)
		return -1;
	if (strcmp(scheme, "isin") == 0)
		return tm_match_isin_valid(s);
	if (strcmp(scheme, "lei") == 0)
		return tm_match_lei_valid(s);
	if (strcmp(scheme, "uscc") == 0)
		return tm_match_uscc_valid(s);
	if (strcmp(scheme, "cusip") == 0)
		return tm_match_cusip_valid(s);
	if (strcmp(scheme, "sedol") == 0)
		return tm_match_sedol_valid(s);
	return -1;
}

int tm_match_ident_norm(const char *scheme, const char *raw, char *out, size_t cap)
{
	size_t n = 0;
	if (!raw || cap < 2)
		return 0;
	while (isspace((unsigned char)*raw))
		raw++;
	int checked = scheme && tm_match_ident_check(scheme, "") >= 0;
	for (; *raw; raw++) {
		char c = *raw;
		/* "US 037833 10 0", "0378-331-00-5": spaces and dashes inside a
		 * checked identifier are how people group its characters */
		if (checked && (c == ' ' || c == '-'))
			continue;
		if (n + 1 >= cap)
			return 0;
		out[n++] = (char)toupper((unsigned char)c);
	}
	while (n && isspace((unsigned char)out[n - 1]))
		n--;
	out[n] = '\0';
	/* a spreadsheet reads 037833100 as the number 37833100 */
	size_t want = scheme && strcmp(scheme, "cusip") == 0 ? 9 : scheme && strcmp(scheme, "sedol") == 0 ? 7 : 0;
	if (want && n && n < want && n + 1 < cap && want < cap) {
		int digits = 1;
		for (size_t i = 0; i < n; i++)
			digits &= isdigit((unsigned char)out[i]) != 0;
		if (digits) {
			memmove(out + (want - n), out, n + 1);
			memset(out, '0', want - n);
			n = want;
		}
	}
	return n > 0;
}

const char *tm_match_ident_shape(const char *s)
{
	if (!s)
		return NULL;
	size_t n = strlen(s);
	if (n == 12 && isupper((unsigned char)s[0]) && isupper((unsigned char)s[1]) && all_alnum_upper(s, 12) &&
	    isdigit((unsigned char)s[11]))
		return "isin";
	if (n == 20 && all_alnum_upper(s, 20) && isdigit((unsigned char)s[18]) && isdigit((unsigned char)s[19]))
		return "lei";
	if (uscc_shape(s))
		return "uscc";
	return NULL;
}

/* Country names and codes that screening input uses.  Not the whole of ISO
 * 3166: any other two-letter code passes as written. */
static const struct {
	const char *a2, *a3, *names;
} countries[] = {
	{ "CN", "CHN", "china|prc|people's republic of china|peoples republic of china|mainland china|中国|中華人民共和國|中华人民共和国|中國" },
	{ "HK", "HKG", "hong kong|hong kong sar|香港" },
	{ "MO", "MAC", "macau|macao|澳门|澳門" },
	{ "TW", "TWN", "taiwan|台湾|台灣|臺灣" },
	{ "IL", "ISR", "israel|以色列" },
	{ "PS", "PSE", "palestine|state of palestine|巴勒斯坦" },
	{ "US", "USA", "united states|united states of america|usa|u.s.|u.s.a.|america|美国|美國" },
	{ "GB", "GBR", "united kingdom|uk|great britain|britain|英国|英國" },
	{ "CA", "CAN", "canada|加拿大" },
	{ "AU", "AUS", "australia|澳大利亚|澳洲" },
	{ "DE", "DEU", "germany|德国|德國" },
	{ "FR", "FRA", "france|法国|法國" },
	{ "NL", "NLD", "netherlands|the netherlands|荷兰|荷蘭" },
	{ "IE", "IRL", "ireland|爱尔兰" },
	{ "LU", "LUX", "luxembourg|卢森堡" },
	{ "CH", "CHE", "switzerland|瑞士" },
	{ "SE", "SWE", "sweden|瑞典" },
	{ "NO", "NOR", "norway|挪威" },
	{ "JP", "JPN", "japan|日本" },
	{ "KR", "KOR", "south korea|korea|republic of korea|韩国|韓國" },
	{ "SG", "SGP", "singapore|新加坡" },
	{ "IN", "IND", "india|印度" },
	{ "VN", "VNM", "vietnam|viet nam|越南" },
	{ "MM", "MMR", "myanmar|burma|缅甸|緬甸" },
	{ "MY", "MYS", "malaysia|马来西亚" },
	{ "TH", "THA", "thailand|泰国" },
	{ "ID", "IDN", "indonesia|印度尼西亚|印尼" },
	{ "PH", "PHL", "philippines|菲律宾" },
	{ "AE", "ARE", "united arab emirates|uae|阿联酋" },
	{ "SA", "SAU", "saudi arabia|沙特阿拉伯" },
	{ "TR", "TUR", "turkey|turkiye|土耳其" },
	{ "EG", "EGY", "egypt|埃及" },
	{ "ZA", "ZAF", "south africa|南非" },
	{ "BR", "BRA", "brazil|巴西" },
	{ "MX", "MEX", "mexico|墨西哥" },
	{ "RU", "RUS", "russia|russian federation|俄罗斯|俄羅斯" },
	{ "IT", "ITA", "italy|意大利" },
	{ "ES", "ESP", "spain|西班牙" },
	{ "KY", "CYM", "cayman islands|开曼群岛" },
	{ "BM", "BMU", "bermuda|百慕大" },
	{ "VG", "VGB", "british virgin islands|bvi|英属维尔京群岛" },
};

/* s equals one of the |-separated names, without case for ASCII. */
static int name_in(const char *s, size_t n, const char *names)
{
	while (*names) {
		const char *end = strchr(names, '|');
		size_t k = end ? (size_t)(end - names) : strlen(names);
		if (k == n && strncasecmp(s, names, n) == 0)
			return 1;
		if (!end)
			break;
		names = end + 1;
	}
	return 0;
}

int tm_match_country_code(const char *s, char out[3])
{
	out[0] = '\0';
	if (!s)
		return 0;
	while (isspace((unsigned char)*s))
		s++;
	size_t n = strlen(s);
	while (n && isspace((unsigned char)s[n - 1]))
		n--;
	if (!n)
		return 0;
	for (size_t i = 0; i < sizeof(countries) / sizeof(countries[0]); i++) {
		if ((n == 2 && strncasecmp(s, countries[i].a2, 2) == 0) ||
		    (n == 3 && strncasecmp(s, countries[i].a3, 3) == 0) || name_in(s, n, countries[i].names)) {
			memcpy(out, countries[i].a2, 3);
			return 1;
		}
	}
	if (n == 2 && isalpha((unsigned char)s[0]) && isalpha((unsigned char)s[1])) {
		out[0] = (char)toupper((unsigned char)s[0]);
		out[1] = (char)toupper((unsigned char)s[1]);
		out[2] = '\0';
		return 1;
	}
	return 0;
}
