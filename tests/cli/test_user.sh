# tiemap user: accounts are added with a password from stdin (never argv),
# listed, given roles, disabled and enabled, unlocked; API tokens are printed
# once and revoked; bad names, roles and passwords are refused with a reason;
# no password ever reaches the output, nor the database in the clear.
. "$(dirname "$0")/lib.sh"
DB="$TMP/u.db"
PW="a fine pass phrase 1"
run --db "$DB" init
expect_rc "init" 0

printf '%s\n' "$PW" | "$TIEMAP" --db "$DB" user add Lin --role editor >"$TMP/out" 2>"$TMP/err"; RC=$?
expect_rc "user add reads the password from stdin" 0
if grep -qF "$PW" "$TMP/out" "$TMP/err"; then fail "user add does not print the password"; else pass "user add does not print the password"; fi
expect_err "user add says what it added, name folded to lower case" "added editor 'lin'"

printf '%s\n' "$PW" | "$TIEMAP" --db "$DB" user add lin --role admin >"$TMP/out" 2>"$TMP/err"; RC=$?
expect_rc "a name that is taken is refused" 1
expect_err "… saying so" "user 'lin' exists already"

printf 'short\n' | "$TIEMAP" --db "$DB" user add bo --role editor >"$TMP/out" 2>"$TMP/err"; RC=$?
expect_rc "a short password is refused" 1
expect_err "… with the rule" "at least 12 characters"
printf 'nopenopenope\n' | "$TIEMAP" --db "$DB" user add nopenopenope --role editor >"$TMP/out" 2>"$TMP/err"; RC=$?
expect_err "the name as password is refused" "must not be the name"
"$TIEMAP" --db "$DB" user add bo --role editor </dev/null >"$TMP/out" 2>"$TMP/err"; RC=$?
expect_rc "no password on stdin is refused" 1
printf '%s\n' "$PW" | "$TIEMAP" --db "$DB" user add "bad name" --role editor >"$TMP/out" 2>"$TMP/err"; RC=$?
expect_err "a bad name is refused with the rule" "must be 2 to 32 of a-z"
printf '%s\n' "$PW" | "$TIEMAP" --db "$DB" user add bo --role root >"$TMP/out" 2>"$TMP/err"; RC=$?
expect_rc "an unknown role is a usage error" 2

printf '%s\n' "$PW" | "$TIEMAP" --db "$DB" user add mei --role contributor >/dev/null 2>&1
run --db "$DB" --json user list
n=$(json_get "len(d['users'])")
roles=$(json_get "','.join(u['name']+':'+u['role']+':'+u['state'] for u in d['users'])")
[ "$n" = 2 ] && [ "$roles" = "lin:editor:active,mei:contributor:active" ] && pass "user list --json: names, roles, states" \
	|| fail "user list --json: names, roles, states" "$roles"
run --db "$DB" user list
expect_out "user list as a table" "contributor"

run --db "$DB" user role mei editor
expect_rc "user role" 0
run --db "$DB" --json user list
[ "$(json_get "d['users'][1]['role']")" = editor ] && pass "user role changes the role" || fail "user role changes the role"
run --db "$DB" user role nobody editor
expect_rc "user role of an unknown user fails" 1
expect_err "… saying so" "no user 'nobody'"

run --db "$DB" user disable mei
run --db "$DB" --json user list
[ "$(json_get "d['users'][1]['state']")" = disabled ] && pass "user disable" || fail "user disable"
run --db "$DB" user enable mei
run --db "$DB" --json user list
[ "$(json_get "d['users'][1]['state']")" = active ] && pass "user enable" || fail "user enable"

printf '%s\n' "another pass phrase" | "$TIEMAP" --db "$DB" user passwd lin >"$TMP/out" 2>"$TMP/err"; RC=$?
expect_rc "user passwd" 0
expect_err "user passwd ends the sessions" "sessions are ended"
run --db "$DB" user unlock lin
expect_rc "user unlock" 0
run --db "$DB" user logout --all
expect_err "user logout --all" "ended 0 sessions"
run --db "$DB" user logout lin
expect_err "user logout NAME" "of 'lin'"

run --db "$DB" user token lin --role admin
expect_rc "a token cannot do more than its owner" 1
expect_err "… saying so" "cannot do more than its owner (editor)"
run --db "$DB" user token lin --role contributor --label "the digest script" --days 30
expect_rc "user token" 0
tok=$(cat "$TMP/out")
case "$tok" in tm_???????????????????????????????????????????) pass "user token prints one token, tm_ and 43 characters" ;;
*) fail "user token prints one token, tm_ and 43 characters" "$tok" ;; esac
expect_err "user token says it is shown once" "shown once"
run --db "$DB" --json user tokens
[ "$(json_get "d['tokens'][0]['role'] + '|' + d['tokens'][0]['label'] + '|' + str(d['tokens'][0]['revoked'])")" = "contributor|the digest script|None" ] \
	&& pass "user tokens lists the token, never its value" || fail "user tokens lists the token, never its value"
if grep -qF "${tok#tm_}" "$TMP/out"; then fail "the token's value is not listed"; else pass "the token's value is not listed"; fi
run --db "$DB" user token --revoke 1
expect_rc "user token --revoke" 0
run --db "$DB" user token --revoke 1
expect_rc "revoking it again fails" 1
run --db "$DB" --json user tokens lin
[ "$(json_get "d['tokens'][0]['revoked'] is not None")" = True ] && pass "a revoked token is listed as revoked" \
	|| fail "a revoked token is listed as revoked"

if grep -aqF "$PW" "$DB" || grep -aqF "another pass phrase" "$DB" || grep -aqF "${tok#tm_}" "$DB"; then
	fail "no password or token is stored in the clear"
else
	pass "no password or token is stored in the clear"
fi
grep -aq 'argon2id' "$DB" && pass "passwords are kept as argon2id hashes" || fail "passwords are kept as argon2id hashes"

run --db "$DB" user
expect_rc "user without a subcommand is a usage error" 2
run --db "$DB" help user
expect_out "help user" "Authorization: Bearer"
run --db "$TMP/none.db" user list
expect_rc "user on a missing database fails" 1
