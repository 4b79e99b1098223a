#!/usr/bin/env bash
# Builds zkmitosis-agent and zkmitosis (the CLI) as .deb (dpkg-deb) and .rpm (rpmbuild) from linux-x64 publishes
# (the agent Native AOT: one binary, ~30 MB resident; the CLI self-contained ReadyToRun), into out/packages. The tree under packaging/zkmitosis-agent mirrors the installed filesystem.
# Checks lintian, rpmlint and systemd-analyze verify where installed; any error fails the build.
#   packaging/build.sh [--skip-rpm] [--skip-checks] [--quick] [--out DIR] [--agent-from-build DIR]
# --quick (for the tests that install the release packages): only the .debs, gzip instead of xz, no checks (the tests
# run lintian themselves).
# --agent-from-build DIR packages only the agent, from an existing framework-dependent build output (the agent's
# bin/<Configuration>/net10.0) instead of a self-contained publish: seconds instead of minutes, for the install test.
# Such a package needs the .NET 10 runtime at /usr/share/dotnet (or DOTNET_ROOT) and is not for release.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
VERSION=${ZKM_VERSION:-0.1.0}
OUT=$ROOT/out/packages
FROM_BUILD=
WORK=$(mktemp -d /tmp/zkmitosis-package.XXXXXX)
trap 'rm -rf "$WORK"' EXIT
SKIP_RPM=0; SKIP_CHECKS=0
while [ $# -gt 0 ]; do
  case "$1" in
    --skip-rpm) SKIP_RPM=1 ;;
    --skip-checks) SKIP_CHECKS=1 ;;
    --quick) SKIP_RPM=1; SKIP_CHECKS=1; COMPRESS=gzip ;;
    --out) OUT=$(realpath -m "$2"); shift ;;
    --agent-from-build) FROM_BUILD=$(realpath "$2"); SKIP_RPM=1; SKIP_CHECKS=1; COMPRESS=gzip; shift ;;
    *) echo "build.sh: unknown option $1" >&2; exit 2 ;;
  esac
  shift
done
say() { printf '\033[1m==> %s\033[0m\n' "$*"; }
mkdir -p "$OUT"

publish() { # project output [extra properties]
  local project=$1 output=$2; shift 2
  dotnet publish "$project" -c Release -r linux-x64 --self-contained -nologo -v:quiet -clp:ErrorsOnly \
    -p:DebugType=none -o "$output" "$@"
}

if [ -n "$FROM_BUILD" ]; then
  [ -x "$FROM_BUILD/zkmitosis-agent" ] || { echo "build.sh: no zkmitosis-agent in $FROM_BUILD (build the agent first)" >&2; exit 1; }
  say "packaging zkmitosis-agent from the framework-dependent build in $FROM_BUILD (test package)"
  mkdir -p "$WORK/publish"; cp -a "$FROM_BUILD" "$WORK/publish/agent"
  rm -f "$WORK/publish/agent/"*.xml
else
  say "publishing zkmitosis-agent (Native AOT, linux-x64) and zkmitosis (self-contained, ReadyToRun)"
  command -v clang > /dev/null || { echo "build.sh: Native AOT needs clang and zlib1g-dev (./zkm package installs them)" >&2; exit 1; }
  publish agent/ZkMitosis.Agent.csproj "$WORK/publish/agent" -p:PublishAot=true
  rm -f "$WORK/publish/agent/"*.xml "$WORK/publish/agent/"*.staticwebassets.endpoints.json
  publish cli/ZkMitosis.Cli/ZkMitosis.Cli.csproj "$WORK/publish/cli" -p:PublishReadyToRun=true
fi

docs() { # stage name
  local doc="$1/usr/share/doc/$2"
  mkdir -p "$doc"
  cp packaging/debian/copyright "$doc/copyright"
  printf '%s (%s) stable; urgency=medium\n\n  * Release %s.\n\n -- ZkMitosis <zkmitosis@example.org>  %s\n' \
    "$2" "$VERSION" "$VERSION" "$(date -R -d @0)" | gzip -9n > "$doc/changelog.gz"
}

# Files come from the NuGet cache with odd modes (0744 on libraries and assemblies): lintian rejects executable shared
# libraries. Everything 0644 (dirs 0755), then only the real executables 0755.
normalize_modes() { # libdir
  find "$1" -type d -exec chmod 0755 {} +
  find "$1" -type f -exec chmod 0644 {} +
  for exe in "$1"/zkmitosis-agent "$1"/zkmitosis "$1"/zkmitosis-kafka-standin "$1"/createdump "$1"/lab-service.sh; do [ -f "$exe" ] && chmod 0755 "$exe"; done
  return 0
}

# ---- staged trees ----------------------------------------------------------------------------------------------
AGENT=$WORK/stage/zkmitosis-agent
mkdir -p "$AGENT/usr/lib/zkmitosis-agent" "$AGENT/usr/sbin"
cp -a packaging/zkmitosis-agent/. "$AGENT/"
cp -a "$WORK/publish/agent/." "$AGENT/usr/lib/zkmitosis-agent/"
rm -f "$AGENT/usr/lib/zkmitosis-agent/"*.pdb "$AGENT/usr/lib/zkmitosis-agent/appsettings"*.json
normalize_modes "$AGENT/usr/lib/zkmitosis-agent"
ln -s ../lib/zkmitosis-agent/zkmitosis-agent "$AGENT/usr/sbin/zkmitosis-agent"
# agent.json holds paths and ports, no secret (the TLS key is its own 0600 file): world-readable like any config.
chmod 0644 "$AGENT/etc/zkmitosis/agent.json"
docs "$AGENT" zkmitosis-agent

CLI=$WORK/stage/zkmitosis
if [ -z "$FROM_BUILD" ]; then
  mkdir -p "$CLI/usr/lib/zkmitosis" "$CLI/usr/bin"
  cp -a "$WORK/publish/cli/." "$CLI/usr/lib/zkmitosis/"
  rm -f "$CLI/usr/lib/zkmitosis/"*.pdb
  normalize_modes "$CLI/usr/lib/zkmitosis"
  ln -s ../lib/zkmitosis/zkmitosis "$CLI/usr/bin/zkmitosis"
  docs "$CLI" zkmitosis
fi

# ---- deb -------------------------------------------------------------------------------------------------------
deb() { # name stage summary description scriptsdir
  local name=$1 stage=$2
  rm -rf "$WORK/deb-$name"; cp -a "$stage" "$WORK/deb-$name"
  local root=$WORK/deb-$name
  mkdir -p "$root/DEBIAN"
  if [ -d "packaging/debian/$name" ]; then
    for f in postinst prerm postrm; do
      [ -f "packaging/debian/$name/$f" ] && install -m 0755 "packaging/debian/$name/$f" "$root/DEBIAN/$f"
    done
    [ -f "packaging/debian/$name/conffiles" ] && install -m 0644 "packaging/debian/$name/conffiles" "$root/DEBIAN/conffiles"
    # What lintian must accept, each with its reason, where every lintian run finds it (the .deb only: rpmlint has its own).
    if [ -f "packaging/debian/$name/lintian-overrides" ]; then
      install -D -m 0644 "packaging/debian/$name/lintian-overrides" "$root/usr/share/lintian/overrides/$name"
    fi
  fi
  local size; size=$(du -sk --exclude=DEBIAN "$root" | cut -f1)
  cat > "$root/DEBIAN/control" <<CONTROL
Package: $name
Version: $VERSION
Section: admin
Priority: optional
Architecture: amd64
Maintainer: ZkMitosis <zkmitosis@example.org>
Installed-Size: $size
Depends: libc6, libgcc-s1, libstdc++6, zlib1g, libssl3 | libssl3t64, libicu72 | libicu-dev${5:+, $5}
Homepage: https://github.com/zkmitosis/zkmitosis
Description: $3
$(printf '%s\n' "$4" | fold -s -w 70 | sed 's/^/ /')
CONTROL
  (cd "$root" && find . -type f ! -path './DEBIAN/*' -printf '%P\0' | sort -z | xargs -0 md5sum > DEBIAN/md5sums)
  dpkg-deb --root-owner-group "-Z${COMPRESS:-xz}" --build "$root" "$OUT/${name}_${VERSION}_amd64.deb" >/dev/null
  echo "$OUT/${name}_${VERSION}_amd64.deb"
}

say "building .deb packages"
deb zkmitosis-agent "$AGENT" "ZkMitosis node agent for ZooKeeper and Kafka hosts" \
  "The node-resident agent of ZkMitosis: a gRPC service over mutual TLS that reads and writes zoo.cfg, myid and Kafka's server.properties, reads the last zxid from ZooKeeper's data dir, starts and stops services, and cuts or heals the host's network with iptables or nftables, so a coordinator can move a ZooKeeper tenant to a dedicated ensemble." \
  "iptables | nftables"
[ -n "$FROM_BUILD" ] || deb zkmitosis "$CLI" "Coordinator command line to move a ZooKeeper tenant to its own ensemble" \
  "The zkmitosis command: plans and runs migrations of a ZooKeeper tenant (Kafka under its chroot) from a shared ensemble to a dedicated one, and offers zk, copy, smoketest, stress, certs and agent tools." ""

# ---- rpm -------------------------------------------------------------------------------------------------------
rpm_build() { # name stage summary description files scripts
  local spec=$WORK/$1.spec
  sed -e "s|@NAME@|$1|" -e "s|@VERSION@|$VERSION|" -e "s|@SUMMARY@|$3|" -e "s|@STAGE@|$2|" \
    -e "s|@DATE@|$(LC_ALL=C date -u '+%a %b %d %Y')|" packaging/rpm/package.spec.in > "$spec"
  python3 - "$spec" "$4" "$5" "$6" <<'PY'
import sys, textwrap
path, description, files, scripts = sys.argv[1:]
# rpmlint wants description lines under 80 columns.
text = open(path).read().replace("@DESCRIPTION@", textwrap.fill(description, 79)).replace("@FILES@", files).replace("@SCRIPTS@", scripts)
open(path, "w").write(text)
PY
  rpmbuild -bb --quiet --define "_topdir $WORK/rpm" --define "_rpmdir $OUT" --define "_build_name_fmt %%{NAME}-%%{VERSION}-%%{RELEASE}.%%{ARCH}.rpm" "$spec" >/dev/null
  echo "$OUT/$1-$VERSION-1.x86_64.rpm"
}

if [ "$SKIP_RPM" = 0 ] && command -v rpmbuild >/dev/null; then
  say "building .rpm packages"
  rpm_build zkmitosis-agent "$AGENT" "ZkMitosis node agent for ZooKeeper and Kafka hosts" \
    "The node-resident agent of ZkMitosis: gRPC over mutual TLS for ZooKeeper and Kafka host actions during tenant migrations." \
    "%dir /etc/zkmitosis
%config(noreplace) %attr(0644,root,root) /etc/zkmitosis/agent.json
/usr/lib/systemd/system/zkmitosis-agent.service
/usr/lib/zkmitosis-agent
/usr/sbin/zkmitosis-agent
%doc /usr/share/doc/zkmitosis-agent" \
    "%post
mkdir -p /var/lib/zkmitosis-agent && chmod 0750 /var/lib/zkmitosis-agent
# Enabled, not started: it needs its TLS files and a reviewed agent.json first.
systemctl enable zkmitosis-agent.service >/dev/null 2>&1 || :
%preun
if [ \$1 -eq 0 ]; then systemctl disable --now zkmitosis-agent.service >/dev/null 2>&1 || :; fi
%postun
systemctl daemon-reload >/dev/null 2>&1 || :"
  rpm_build zkmitosis "$CLI" "Coordinator command line to move a ZooKeeper tenant to its own ensemble" \
    "The zkmitosis command: plans and runs migrations of a ZooKeeper tenant from a shared ensemble to a dedicated one." \
    "/usr/lib/zkmitosis
/usr/bin/zkmitosis
%doc /usr/share/doc/zkmitosis" ""
fi

# ---- checks ----------------------------------------------------------------------------------------------------
if [ "$SKIP_CHECKS" = 0 ]; then
  failed=0
  if command -v systemd-analyze >/dev/null; then
    say "systemd-analyze verify"
    # Verify against the staged tree so ExecStart's binary exists.
    unit=$WORK/verify/zkmitosis-agent.service
    mkdir -p "$WORK/verify"
    sed "s|/usr/lib/zkmitosis-agent/zkmitosis-agent|$AGENT/usr/lib/zkmitosis-agent/zkmitosis-agent|" \
      packaging/zkmitosis-agent/usr/lib/systemd/system/zkmitosis-agent.service > "$unit"
    if ! out=$(SYSTEMD_LOG_LEVEL=warning systemd-analyze verify --man=no "$unit" 2>&1); then
      echo "$out"; failed=1
    elif echo "$out" | grep -v -e '^$' | grep -q .; then
      echo "$out"
    fi
  fi
  if command -v lintian >/dev/null; then
    say "lintian (errors fail the build)"
    # Nothing suppressed here: what lintian must accept is said, with the reason, in each package's own overrides
    # (usr/share/lintian/overrides), so anyone's lintian run agrees with this one.
    for deb in "$OUT"/*_"$VERSION"_amd64.deb; do
      lintian --fail-on error "$deb" || failed=1
    done
  fi
  if command -v rpmlint >/dev/null && [ "$SKIP_RPM" = 0 ]; then
    say "rpmlint (errors fail the build)"
    # Signing belongs to the release pipeline that holds the key: no-signature is filtered, everything else counts.
    rpmlint -r packaging/rpm/rpmlintrc "$OUT"/*-"$VERSION"-1.x86_64.rpm || failed=1
  fi
  [ "$failed" = 0 ] || { echo "package checks failed" >&2; exit 1; }
fi
say "packages in $OUT"
ls -l "$OUT"
