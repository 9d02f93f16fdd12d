#!/usr/bin/env bash
# Regenerates test/fixtures/signer: keys in every PEM form, and signed-URL vectors built with openssl exactly
# the way the CloudFront Developer Guide shows (`openssl sha1 -sign key.pem | openssl base64 -A | tr -- '+=/' '-_~'`).
# Tests read these files; they never need openssl themselves.
#   Usage: scripts/make-signer-vectors.sh        (needs openssl 3 and, for the ECDSA round trip, npx tsx)
# The keys are test-only and public: never use them for a distribution.
set -euo pipefail
cd "$(dirname "$0")/.."
out=test/fixtures/signer
mkdir -p "$out"
cd "$out"
rm -f ./*.pem vectors.json ecdsa-node-signed.json

pass=fixture-passphrase
# RSA-2048: PKCS#1 ("BEGIN RSA PRIVATE KEY"), PKCS#8, encrypted PKCS#8, legacy encrypted PKCS#1, public (SPKI).
openssl genrsa -traditional -out rsa-pkcs1.pem 2048 2>/dev/null
openssl pkcs8 -topk8 -nocrypt -in rsa-pkcs1.pem -out rsa-pkcs8.pem
openssl pkcs8 -topk8 -v2 aes-256-cbc -passout "pass:$pass" -in rsa-pkcs1.pem -out rsa-pkcs8-encrypted.pem
openssl rsa -traditional -aes256 -passout "pass:$pass" -in rsa-pkcs1.pem -out rsa-pkcs1-encrypted.pem 2>/dev/null
openssl rsa -in rsa-pkcs1.pem -pubout -out rsa-public.pem 2>/dev/null
openssl rsa -in rsa-pkcs1.pem -RSAPublicKey_out -out rsa-public-pkcs1.pem 2>/dev/null
# ECDSA P-256: SEC1 ("BEGIN EC PRIVATE KEY"), PKCS#8, public.
openssl ecparam -name prime256v1 -genkey -noout -out ec-sec1.pem
openssl pkcs8 -topk8 -nocrypt -in ec-sec1.pem -out ec-pkcs8.pem
openssl ec -in ec-sec1.pem -pubout -out ec-public.pem 2>/dev/null
# Keys CloudFront does not accept.
openssl genpkey -algorithm ed25519 -out ed25519.pem
openssl genrsa -out rsa-1024.pem 1024 2>/dev/null
openssl ecparam -name secp384r1 -genkey -noout -out ec-p384.pem
# A damaged key: the PEM frame is intact, the body is cut short.
{ head -n 8 rsa-pkcs8.pem; echo '-----END PRIVATE KEY-----'; } > malformed.pem

b64url() { openssl base64 -A | tr -- '+=/' '-_~'; }

kid=K2JCJMDEHXQW5F
host=https://d111111abcdef8.cloudfront.net
exp=2000000000   # 2033-05-18T03:33:20Z
vectors=()
# vector NAME KEY HASH(sha1|sha256) URL KIND(canned|custom) POLICY_JSON [EXTRA_JSON]
vector() {
  local name=$1 key=$2 hash=$3 url=$4 kind=$5 policy=$6 extra=${7:-}
  local sig suffix="" sep="?"
  sig=$(printf '%s' "$policy" | openssl "$hash" -sign "$key" | b64url)
  [[ $url == *\?* ]] && sep="&"
  [[ $hash == sha256 ]] && suffix="&Hash-Algorithm=SHA256"
  local signed
  if [[ $kind == canned ]]; then
    signed="$url${sep}Expires=$exp&Signature=$sig&Key-Pair-Id=$kid$suffix"
  else
    signed="$url${sep}Policy=$(printf '%s' "$policy" | b64url)&Signature=$sig&Key-Pair-Id=$kid$suffix"
  fi
  vectors+=("{\"name\":\"$name\",\"key\":\"$key\",\"hash\":\"${hash^^}\",\"url\":\"$url\",\"kind\":\"$kind\",\"expires\":$exp,\"keyPairId\":\"$kid\"$extra,\"policy\":$(printf '%s' "$policy" | python3 -c 'import json,sys;print(json.dumps(sys.stdin.read()))'),\"signedUrl\":\"$signed\"}")
}

master="$host/movies/42/master.m3u8"
canned_policy() { printf '{"Statement":[{"Resource":"%s","Condition":{"DateLessThan":{"AWS:EpochTime":%s}}}]}' "$1" "$exp"; }
folder="$host/movies/42/*"
custom_plain=$(printf '{"Statement":[{"Resource":"%s","Condition":{"DateLessThan":{"AWS:EpochTime":%s}}}]}' "$folder" "$exp")
nbf=1900000000
custom_full=$(printf '{"Statement":[{"Resource":"%s","Condition":{"DateLessThan":{"AWS:EpochTime":%s},"DateGreaterThan":{"AWS:EpochTime":%s},"IpAddress":{"AWS:SourceIp":"192.0.2.0/24"}}}]}' "$folder" "$exp" "$nbf")

vector canned-sha1 rsa-pkcs1.pem sha1 "$master" canned "$(canned_policy "$master")"
vector canned-sha1-query rsa-pkcs1.pem sha1 "$master?lang=en" canned "$(canned_policy "$master?lang=en")"
vector canned-sha256 rsa-pkcs8.pem sha256 "$master" canned "$(canned_policy "$master")"
vector custom-sha1 rsa-pkcs1.pem sha1 "$master" custom "$custom_plain" ",\"resource\":\"$folder\""
vector custom-sha256 rsa-pkcs8.pem sha256 "$master" custom "$custom_plain" ",\"resource\":\"$folder\""
vector custom-conditions-sha1 rsa-pkcs1.pem sha1 "$master" custom "$custom_full" ",\"resource\":\"$folder\",\"notBefore\":$nbf,\"ipAddress\":\"192.0.2.0/24\""
vector ecdsa-custom-sha256 ec-sec1.pem sha256 "$master" custom "$custom_plain" ",\"resource\":\"$folder\""
vector ecdsa-canned-sha1 ec-pkcs8.pem sha1 "$master" canned "$(canned_policy "$master")"

{ printf '[\n'; (IFS=$',\n'; printf '%s' "${vectors[*]}" | sed 's/},{/},\n{/g'); printf '\n]\n'; } > vectors.json
python3 -c 'import json;json.load(open("vectors.json"))'

# ECDSA round trip the other way: our signer signs, openssl verifies. The signed URL is kept as a fixture.
cd - >/dev/null
tmp=$(mktemp /tmp/cfhls-vectors-XXXXXX.mts)
cat > "$tmp" <<TS
import { readFileSync, writeFileSync } from 'node:fs';
import { signUrl } from '$PWD/src/signer/index.ts';
const dir = '$PWD/$out';
const out = [];
for (const hash of ['SHA1', 'SHA256'] as const) {
  const url = signUrl({ url: '$master', keyPairId: '$kid', privateKey: readFileSync(dir + '/ec-pkcs8.pem', 'utf8'), expires: $exp, hashAlgorithm: hash, now: 0 });
  out.push({ hash, url });
}
writeFileSync(dir + '/ecdsa-node-signed.json', JSON.stringify(out, null, 2) + '\n');
TS
npx tsx "$tmp"
rm -f "$tmp"
cd "$out"
python3 - <<'PY'
import json, base64, subprocess, urllib.parse
for v in json.load(open('ecdsa-node-signed.json')):
    q = dict(p.split('=', 1) for p in v['url'].split('?', 1)[1].split('&'))
    d = lambda s: base64.b64decode(s.replace('-', '+').replace('_', '=').replace('~', '/'))
    open('/tmp/cfhls-policy.json', 'wb').write(d(q['Policy']))
    open('/tmp/cfhls-sig.der', 'wb').write(d(q['Signature']))
    subprocess.run(['openssl', 'dgst', '-' + v['hash'].lower(), '-verify', 'ec-public.pem', '-signature', '/tmp/cfhls-sig.der', '/tmp/cfhls-policy.json'], check=True)
PY
rm -f /tmp/cfhls-policy.json /tmp/cfhls-sig.der
echo "wrote $(pwd)"
