# Search finds entities across scripts, cases, prefixes, pinyin and legal forms.
. "$(dirname "$0")/lib.sh"
DB="$TMP/demo.db"
demo_db "$DB" || { echo "not ok - seed import"; exit 0; }

top_is() { # NAME QUERY ID: the first result of QUERY is ID
	run --db "$DB" --json search "$2"
	got=$(json_get "d['results'][0]['id'] if d['results'] else ''" 2>/dev/null)
	if [ "$RC" -eq 0 ] && [ "$got" = "$3" ]; then pass "$1"; else fail "$1" "top result '$got', wanted '$3'"; fi
}

top_is "search 'Hikvision' finds hikvision" "Hikvision" hikvision
top_is "search 'hikv' (prefix, lower case) finds hikvision" "hikv" hikvision
top_is "search 'HIKVISION' (upper case) finds hikvision" "HIKVISION" hikvision
top_is "search '海康威视' (Simplified) finds hikvision" "海康威视" hikvision
top_is "search '海康威視' (Traditional) finds hikvision" "海康威視" hikvision
top_is "search 'haikang' (pinyin prefix) finds hikvision" "haikang" hikvision
top_is "search 'hai kang wei shi' (spaced pinyin) finds hikvision" "hai kang wei shi" hikvision
top_is "search 'haikangweishi' (joined pinyin) finds hikvision" "haikangweishi" hikvision
top_is "search with legal form finds hikvision" "Hangzhou Hikvision Digital Technology Co., Ltd." hikvision
top_is "search legal name without legal form finds hikvision" "Hangzhou Hikvision Digital Technology" hikvision
top_is "search the full Chinese legal name finds hikvision" "杭州海康威视数字技术股份有限公司" hikvision
top_is "search '威视数字' (from the middle of a name) finds hikvision" "威视数字" hikvision
top_is "search 'Hikvision Digital Tech' (inner words, the last unfinished) finds hikvision" "Hikvision Digital Tech" hikvision
top_is "search '海康' (two characters) finds hikvision" "海康" hikvision
top_is "search '华为' (two characters) finds huawei" "华为" huawei
top_is "search '華為' (Traditional) finds huawei" "華為" huawei
top_is "search 'CETC' finds cetc" "CETC" cetc
top_is "search '中国电子科技集团公司' finds cetc" "中国电子科技集团公司" cetc
top_is "search '狼群' finds wolf-pack" "狼群" wolf-pack

# a search that forgives: typos, words beyond the stored name, topics
top_is "search 'hikvison' (a letter missing) finds hikvision" "hikvison" hikvision
top_is "search 'Huawei Technologies Co., Ltd.' (only Huawei stored) finds huawei" "Huawei Technologies Co., Ltd." huawei
# two companies of the demo data are named "Hangzhou Hikvision …": Hikvision
# and its subsidiary Hangzhou Hikvision Robot Technology; both come first
top_two() { # NAME QUERY "ID ID": the first two results of QUERY, sorted
	run --db "$DB" --json search "$2"
	got=$(json_get "' '.join(sorted(r['id'] for r in d['results'][:2]))" 2>/dev/null)
	if [ "$RC" -eq 0 ] && [ "$got" = "$3" ]; then pass "$1"; else fail "$1" "first two '$got', wanted '$3'"; fi
}
top_two "search 'Hangzhou Hikvision' finds hikvision and hikvision-robot first" "Hangzhou Hikvision" \
	"hikvision hikvision-robot"
top_two "search 'Hangzhou Hikvison' (a typo) finds hikvision and hikvision-robot first" "Hangzhou Hikvison" \
	"hikvision hikvision-robot"
top_is "search 'Huawei Technologies' (a word beyond the stored name) finds huawei" "Huawei Technologies" huawei

run --db "$DB" --json search "hikvison"
got=$(json_get "(d['results'][0]['how'], d['results'][0]['score'] < 0.5, d['corrected'])")
[ "$got" = "('typo', True, 'hikvision')" ] && pass "a typo is said (how typo, the query as read) and scores below 0.5" ||
	fail "a typo is said (how typo, the query as read) and scores below 0.5" "$got"
run --db "$DB" search "hikvison"
expect_out "the table says what the typo was read as" "read as: hikvision"

run --db "$DB" --json search "Huawei Technologies Co., Ltd."
got=$(json_get "(d['results'][0]['how'], d['results'][0]['score'] < 0.5)")
[ "$got" = "('part', True)" ] && pass "a name inside a longer query is a part, below 0.5" ||
	fail "a name inside a longer query is a part, below 0.5" "$got"

run --db "$DB" --json search "监控"
got=$(json_get "(d['topics'][0]['id'], d['topics'][0]['label_zh'], 'hikvision' in [r['id'] for r in d['results']], all(r['how'] == 'topic' and r['topic'] == 'surveillance' for r in d['results']))")
[ "$got" = "('surveillance', '监控', True, True)" ] && pass "search '监控' finds the surveillance topic and its entities" ||
	fail "search '监控' finds the surveillance topic and its entities" "$got"
run --db "$DB" --json search "監控"
got=$(json_get "d['topics'][0]['id']")
[ "$got" = "surveillance" ] && pass "search '監控' (Traditional) finds the surveillance topic" || fail "search '監控' (Traditional) finds the surveillance topic" "$got"
run --db "$DB" search "监控"
expect_out "the table names the topic with its labels" "topic: surveillance (surveillance, 监控)"

# exact and prefix above anything forgiven, whatever the query
run --db "$DB" --json search "surveillance"
got=$(json_get "all((r['score'] >= 0.5) == (r['how'] in ('id', 'name', 'prefix', 'words')) for r in d['results']) and d['results'][0]['how'] != 'topic'")
[ "$got" = "True" ] && pass "names holding the word rank above the topic's entities" || fail "names holding the word rank above the topic's entities" "$got"

# results carry kind, country, description and the number of ties
run --db "$DB" --json search "Hikvision"
got=$(json_get "(d['results'][0]['kind'], d['results'][0]['country'], d['results'][0]['ties'] > 5, bool(d['results'][0]['description']['en']))")
[ "$got" = "('company', 'CN', True, True)" ] && pass "a hit has its kind, country, ties and description" || fail "a hit has its kind, country, ties and description" "$got"

# commands act on no guess: a typo does not resolve
run --db "$DB" show "hikvison"
expect_rc "show 'hikvison' does not resolve a typo" 1

run --db "$DB" search "zzqqxx-no-such-name"
expect_out "search with no match says so" "no match"

run --db "$DB" --json search "海康"
n=$(json_get "len(d['results'][0]['names'])")
[ "${n:-0}" -ge 2 ] && pass "search --json lists every name of a hit" || fail "search --json lists every name of a hit" "names: $n"

printf 'bad\377utf8' > "$TMP/q"
run --db "$DB" search "$(cat "$TMP/q")"
expect_rc "search with invalid UTF-8 fails cleanly" 1

# --strict: only what the query names whole, no guess
run --db "$DB" --json search --strict "hikvison"
got=$(json_get "(len(d['results']), d['corrected'], len(d['topics']))")
[ "$got" = "(0, None, 0)" ] && pass "search --strict forgives no typo" || fail "search --strict forgives no typo" "$got"
run --db "$DB" --json search --strict "监控"
got=$(json_get "all(r['how'] in ('id', 'name', 'prefix', 'words') for r in d['results']) and not d['topics']")
[ "$got" = "True" ] && pass "search --strict names no topic" || fail "search --strict names no topic" "$got"

# a query is a name: at most 200 characters, said so past them
run --db "$DB" search "$(printf '%0200d' 0 | tr 0 x)"
expect_rc "a 200-character query is searched" 0
run --db "$DB" search "$(printf '%0201d' 0 | tr 0 x)"
expect_err "a 201-character query is refused, saying why" "query is longer than 200 characters"
[ "$RC" -eq 1 ] && pass "a 201-character query exits 1" || fail "a 201-character query exits 1" "exit $RC"
