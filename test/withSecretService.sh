#!/usr/bin/env bash
# Runs a command inside a private D-Bus session with a throw-away, unlocked gnome-keyring, so
# tests use the real Secret Service without ever touching the user's own keyrings.
#   test/withSecretService.sh <command> [args...]
set -euo pipefail

if [ -z "${SWITCHYARD_SECRET_SERVICE_INNER:-}" ]; then
  for tool in dbus-run-session gnome-keyring-daemon secret-tool dbus-send; do
    command -v "$tool" >/dev/null || {
      echo "withSecretService: '$tool' is missing. Install it with: sudo apt-get install -y --no-install-recommends dbus gnome-keyring libsecret-tools" >&2
      exit 127
    }
  done
  scratch=$(mktemp -d)
  trap 'rm -rf "$scratch"' EXIT
  mkdir -p "$scratch/data" "$scratch/runtime" "$scratch/home"
  chmod 700 "$scratch/runtime"
  set +e
  XDG_DATA_HOME="$scratch/data" XDG_RUNTIME_DIR="$scratch/runtime" SWITCHYARD_SECRET_SERVICE_INNER=1 \
    dbus-run-session -- bash "$0" "$@"
  status=$?
  set -e
  exit $status
fi

# shellcheck source=privateKeyring.sh
source "$(dirname "${BASH_SOURCE[0]}")/privateKeyring.sh"
start_private_keyring pw withSecretService

probe="switchyard-probe-$$"
printf 'probe-value' | secret-tool store --label="switchyard probe" switchyard-probe "$probe"
if [ "$(secret-tool lookup switchyard-probe "$probe")" != "probe-value" ]; then
  echo "withSecretService: the keyring did not unlock (store/lookup round trip failed)" >&2
  exit 1
fi
secret-tool clear switchyard-probe "$probe"

set +e
"$@"
status=$?
set -e
[ -n "$daemon_pid" ] && kill "$daemon_pid" 2>/dev/null || true
exit $status
