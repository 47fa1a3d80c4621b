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

password=pw
printf '%s' "$password" | gnome-keyring-daemon --unlock --components=secrets >/dev/null

owner=false
for _ in $(seq 1 100); do
  if dbus-send --session --print-reply --dest=org.freedesktop.DBus /org/freedesktop/DBus \
      org.freedesktop.DBus.NameHasOwner string:org.freedesktop.secrets 2>/dev/null | grep -q 'boolean true'; then
    owner=true
    break
  fi
  sleep 0.05
done
if [ "$owner" != true ]; then
  echo "withSecretService: org.freedesktop.secrets never appeared on the private bus" >&2
  exit 1
fi

# The daemon is whoever owns the name on this private bus: that PID, and no other, is stopped.
daemon_pid=$(dbus-send --session --print-reply --dest=org.freedesktop.DBus /org/freedesktop/DBus \
  org.freedesktop.DBus.GetConnectionUnixProcessID string:org.freedesktop.secrets 2>/dev/null |
  awk '/uint32/ {print $2}')

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
