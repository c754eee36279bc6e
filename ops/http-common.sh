# Shared by ops/bench-http.sh and ops/soak-http.sh (sourced, not run): a token from the development identity
# provider for a dev sign-in name, and a fresh test-range NHS number. Needs B (the server's base URL), curl, python3.

token() { curl -sf -u careledger-script:demo-script-secret -d grant_type=client_credentials -d "act_as=$1" \
          "$B/oauth2/token" | python3 -c 'import sys,json; print(json.load(sys.stdin)["access_token"])'; }

# a valid (Modulus 11) NHS number from the 999 test range that is probably unused
nhs() { python3 -c '
import random
while True:
    d = [9, 9, 9] + [random.randrange(10) for _ in range(6)]
    c = 11 - sum(x * (10 - i) for i, x in enumerate(d)) % 11
    c = 0 if c == 11 else c
    if c != 10:
        print("".join(map(str, d)) + str(c)); break'; }
