#!/usr/bin/env bash
# Regenerates the openssl interop vectors of test/fixtures/signer: signed URLs built with openssl exactly the way
# the CloudFront Developer Guide shows (`openssl sha1 -sign key.pem | openssl base64 -A | tr -- '+=/' '-_~'`), the
# public keys, and ECDSA URLs made by our signer that openssl verified.
#   Usage: scripts/make-signer-vectors.sh        (needs openssl 3, python3 and npx tsx)
# No private key is written to the repository (project rule, test keys included): the keys are derived from the
# seeds in test/signer/seeded-keys.ts, as the tests derive them, into a temporary directory deleted on exit.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
out=$root/test/fixtures/signer
mkdir -p "$out"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/cfhls-vectors-XXXXXX")
trap 'rm -rf "$tmp"' EXIT
chmod 700 "$tmp"

# The derived keys: RSA-2048 as PKCS#8 and PKCS#1, ECDSA P-256 as PKCS#8 and SEC1.
npx tsx scripts/signer-vectors.ts write-keys "$tmp"
openssl rsa -in "$tmp/rsa.pem" -traditional -out "$tmp/rsa-pkcs1.pem" 2>/dev/null
openssl ec -in "$tmp/ec.pem" -out "$tmp/ec-sec1.pem" 2>/dev/null
openssl rsa -check -noout -in "$tmp/rsa.pem" >/dev/null
# Public halves (fine in the repository).
openssl rsa -in "$tmp/rsa.pem" -pubout -out "$out/rsa-public.pem" 2>/dev/null
openssl rsa -in "$tmp/rsa.pem" -RSAPublicKey_out -out "$out/rsa-public-pkcs1.pem" 2>/dev/null
openssl ec -in "$tmp/ec.pem" -pubout -out "$out/ec-public.pem" 2>/dev/null

b64url() { openssl base64 -A | tr -- '+=/' '-_~'; }

kid=K2JCJMDEHXQW5F
host=https://d111111abcdef8.cloudfront.net
exp=2000000000   # 2033-05-18T03:33:20Z
vectors=()
# vector NAME KIND(rsa|ecdsa) KEYFILE HASH(sha1|sha256) URL POLICYKIND(canned|custom) POLICY_JSON [EXTRA_JSON]
vector() {
  local name=$1 key=$2 keyfile=$3 hash=$4 url=$5 kind=$6 policy=$7 extra=${8:-}
  local sig suffix="" sep="?"
  sig=$(printf '%s' "$policy" | openssl "$hash" -sign "$tmp/$keyfile" | b64url)
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

vector canned-sha1 rsa rsa-pkcs1.pem sha1 "$master" canned "$(canned_policy "$master")"
vector canned-sha1-query rsa rsa-pkcs1.pem sha1 "$master?lang=en" canned "$(canned_policy "$master?lang=en")"
vector canned-sha256 rsa rsa.pem sha256 "$master" canned "$(canned_policy "$master")"
vector custom-sha1 rsa rsa-pkcs1.pem sha1 "$master" custom "$custom_plain" ",\"resource\":\"$folder\""
vector custom-sha256 rsa rsa.pem sha256 "$master" custom "$custom_plain" ",\"resource\":\"$folder\""
vector custom-conditions-sha1 rsa rsa-pkcs1.pem sha1 "$master" custom "$custom_full" ",\"resource\":\"$folder\",\"notBefore\":$nbf,\"ipAddress\":\"192.0.2.0/24\""
vector ecdsa-custom-sha256 ecdsa ec-sec1.pem sha256 "$master" custom "$custom_plain" ",\"resource\":\"$folder\""
vector ecdsa-canned-sha1 ecdsa ec.pem sha1 "$master" canned "$(canned_policy "$master")"

{ printf '[\n'; (IFS=$',\n'; printf '%s' "${vectors[*]}" | sed 's/},{/},\n{/g'); printf '\n]\n'; } > "$out/vectors.json"
python3 -c 'import json,sys;json.load(open(sys.argv[1]))' "$out/vectors.json"

# ECDSA the other way: our signer signs, openssl verifies with the public key. The URLs are kept as a fixture.
npx tsx scripts/signer-vectors.ts sign-ecdsa > "$tmp/ecdsa-node-signed.json"
python3 - "$tmp" "$out/ec-public.pem" <<'PY'
import json, base64, subprocess, sys
tmp, pub = sys.argv[1], sys.argv[2]
for v in json.load(open(f'{tmp}/ecdsa-node-signed.json')):
    q = dict(p.split('=', 1) for p in v['url'].split('?', 1)[1].split('&'))
    d = lambda s: base64.b64decode(s.replace('-', '+').replace('_', '=').replace('~', '/'))
    open(f'{tmp}/policy.json', 'wb').write(d(q['Policy']))
    open(f'{tmp}/sig.der', 'wb').write(d(q['Signature']))
    subprocess.run(['openssl', 'dgst', '-' + v['hash'].lower(), '-verify', pub, '-signature', f'{tmp}/sig.der', f'{tmp}/policy.json'], check=True)
PY
cp "$tmp/ecdsa-node-signed.json" "$out/ecdsa-node-signed.json"
echo "wrote $out (vectors.json, ecdsa-node-signed.json, public keys)"
