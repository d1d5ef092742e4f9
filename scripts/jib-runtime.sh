#!/usr/bin/env bash
# Assembles the root filesystem that Jib puts under the application layers: a jlinked Java
# runtime from the build JDK, the shared libraries it and the service load, an /etc/passwd with
# the service user, and the writable directories. Jib builds on the 'scratch' base with this
# directory as an extra layer, because the build machine cannot pull eclipse-temurin:25-jre.
#
# Usage: scripts/jib-runtime.sh OUTPUT_DIR [JAVA_HOME]
set -euo pipefail

out=${1:?usage: jib-runtime.sh OUTPUT_DIR [JAVA_HOME]}
java_home=${2:-${JAVA_HOME:?set JAVA_HOME or pass the JDK directory}}
modules=java.se,jdk.unsupported,jdk.management,jdk.zipfs,jdk.naming.dns,jdk.crypto.cryptoki

stamp="$out.stamp"
if [[ -f "$stamp" && "$(cat "$stamp")" == "$modules $java_home" ]]; then
  exit 0
fi
rm -rf "$out" "$stamp"
mkdir -p "$out/opt" "$out/etc" "$out/tmp" "$out/var/lib/soci-indexer"

"$java_home/bin/jlink" --add-modules "$modules" --strip-debug --no-header-files \
  --no-man-pages --output "$out/opt/java"

# The system libraries the runtime links against (the AWT and sound libraries are left out: the
# service runs headless), plus zlib, which the service opens through java.lang.foreign, and the
# name-service modules that glibc loads at run time. Each is copied to the path ldd resolved it
# at, so the image needs no symbolic links and no ld.so.cache.
libraries() {
  find "$out/opt/java" -type f \( -name '*.so' -o -path '*/bin/*' \) \
    ! -name 'libawt*' ! -name 'libfontmanager.so' ! -name 'libjawt.so' ! -name 'libsplashscreen.so' \
    ! -name 'libjsound.so' ! -name 'liblcms.so' ! -name 'libmlib_image.so' ! -name 'libjavajpeg.so' \
    ! -name 'libfreetype.so' -print0 \
    | xargs -0 ldd 2>/dev/null | awk '/=> \/(usr\/)?lib/{print $3} /^\t\/lib64/{print $1}'
  ldconfig -p | awk '/(libz\.so\.1|libnss_files\.so\.2|libnss_dns\.so\.2|libresolv\.so\.2) \(libc6,x86-64\)/{print $NF}'
}
for library in $(libraries | sort -u); do
  mkdir -p "$out$(dirname "$library")"
  cp -L "$library" "$out$library"
done

cat > "$out/etc/passwd" <<'PASSWD'
root:x:0:0:root:/root:/sbin/nologin
soci-indexer:x:10001:10001:soci-indexer:/var/lib/soci-indexer:/sbin/nologin
PASSWD
cat > "$out/etc/group" <<'GROUP'
root:x:0:
soci-indexer:x:10001:
GROUP
printf 'hosts: files dns\n' > "$out/etc/nsswitch.conf"
chmod 1777 "$out/tmp"
echo "$modules $java_home" > "$stamp"
