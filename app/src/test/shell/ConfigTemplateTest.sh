# ./pcmshare config-template PID: a configuration file that lists every property of a
# driver with its description and default, generated from the driver's Metatype.

# Each template, every property uncommented, makes a card: every key is one the driver
# knows, every default is a value it takes, and no property the driver knows is missing.
test_templatesOfBothDriversListEveryPropertyAndMakeACardAsTheyAre() {
  mkdir -p "$T/conf"
  "$PCMSHARE" config-template > "$T/pids" 2>&1 || fail "config-template without a PID failed: $(cat "$T/pids")"
  grep -q '^pcmshare.driver.dummy ' "$T/pids" && grep -q '^pcmshare.driver.aloop ' "$T/pids" \
    || fail "the list of PIDs lacks a driver: $(cat "$T/pids")"
  "$PCMSHARE" config-template pcmshare.driver.dummy > "$T/dummy.template" 2> "$T/err" \
    || fail "config-template failed: $(cat "$T/err")"
  "$PCMSHARE" config-template pcmshare.driver.aloop > "$T/aloop.template" 2> "$T/err" \
    || fail "config-template failed: $(cat "$T/err")"
  grep -q '^# Sample formats: Sample formats the hardware accepts. One of: FLOAT64_LE, FLOAT_LE,' \
    "$T/dummy.template" || fail "no description with its sorted choices: $(head -40 "$T/dummy.template")"
  grep -qx '#formats = \["U8", "S16_LE", "S24_LE", "S24_3LE", "S32_LE", "FLOAT_LE"\]' "$T/dummy.template" \
    || fail "no default list of formats: $(grep formats "$T/dummy.template")"
  grep -qx '#pcmSubstreams = "8"' "$T/aloop.template" || fail "no pcmSubstreams: $(cat "$T/aloop.template")"
  # uncommented, with a key no driver knows to make each driver name the keys it knows
  sed 's/^#\([A-Za-z]\)/\1/; s/^id = .*/id = "TemplDummy"/' "$T/dummy.template" > "$T/conf/pcmshare.driver.dummy-t.config"
  sed 's/^#\([A-Za-z]\)/\1/; s/^id = .*/id = "TemplLoop"/' "$T/aloop.template" > "$T/conf/pcmshare.driver.aloop-t.config"
  echo 'noSuchKey = "x"' | tee -a "$T/conf/pcmshare.driver.dummy-t.config" >> "$T/conf/pcmshare.driver.aloop-t.config"
  PCMSHARE_CONF="$T/conf" "$PCMSHARE" exec 'pcm:cards; log warn' > "$T/out" 2>&1 || fail "exec failed: $(cat "$T/out")"
  PCMSHARE_CONF="$T/conf" "$PCMSHARE" exec 'pcm:cards' > "$T/cards" 2>&1 || fail "exec failed: $(cat "$T/cards")"
  grep -Eq '^[0-9]+ +TemplDummy ' "$T/cards" || fail "the dummy template made no card: $(cat "$T/cards")"
  grep -Eq '^[0-9]+ +TemplLoop ' "$T/cards" || fail "the loopback template made no card: $(cat "$T/cards")"
  ! grep -q 'not created' "$T/cards" || fail "a template was refused: $(cat "$T/cards")"
  local t known listed
  for t in dummy:TemplDummy aloop:TemplLoop; do
    known=$(grep "card ${t#*:}: unknown configuration properties \[noSuchKey\]" "$T/out" \
      | sed 's/.*known: \[\(.*\)\]$/\1/' | tr -d ' ' | tr ',' '\n' | sort)
    [ -n "$known" ] || fail "the ${t%%:*} driver did not name the keys it knows: $(cat "$T/out")"
    listed=$(grep -o '^#[A-Za-z][A-Za-z0-9_.]* = ' "$T/${t%%:*}.template" | sed 's/^#//; s/ = $//' | sort)
    [ "$known" = "$listed" ] || fail "the ${t%%:*} template's properties differ from the driver's: \
$(diff <(echo "$known") <(echo "$listed"))"
  done
}

test_anUnknownPidIsRefusedNamingTheKnownOnes() {
  rc=0
  "$PCMSHARE" config-template pcmshare.driver.nope > "$T/out" 2>&1 || rc=$?
  [ "$rc" = 1 ] || fail "an unknown PID did not fail with 1 but $rc: $(cat "$T/out")"
  grep -q "no bundle describes a configuration 'pcmshare.driver.nope'; described: \[pcmshare.driver.aloop, pcmshare.driver.dummy, pcmshare.server.alsa\]" \
    "$T/out" || fail "the refusal does not name the known PIDs: $(cat "$T/out")"
}
