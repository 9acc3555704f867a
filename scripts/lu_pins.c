// SPDX-License-Identifier: GPL-2.0
/*
 * lu_pins.c - the pins of the pre-flight tool, applied inside a test guest.
 *
 * The series' kernel takes the versions it writes for the next kernel from
 * sysfs only (/sys/kernel/kho/components/<name>/write_version), where the
 * pre-flight tool's --apply writes them on a real host. A guest of
 * scripts/cross-kexec.sh that hands over to an older kernel gets them as
 * "lu_pins=<name>:<version>,..." on its command line, a parameter that no
 * kernel knows; scripts/initrd.sh links this file into the kexec test
 * binary, whose constructor writes them to sysfs before the test preserves
 * anything, at every boot of a kernel that has the directory (Linux 7.3 has
 * none, and is left alone). Built with nolibc, as the test is.
 */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/mount.h>
#include <sys/stat.h>

#define LU_COMPONENTS "/sys/kernel/kho/components"

/* Write version @v of component @c. */
static void lu_pin(const char *c, const char *v)
{
	char path[128];
	int fd, ok;

	snprintf(path, sizeof(path), LU_COMPONENTS "/%s/write_version", c);
	fd = open(path, O_WRONLY);
	ok = fd >= 0 && write(fd, v, strlen(v)) == (ssize_t)strlen(v);
	if (fd >= 0)
		close(fd);
	printf("lu_pins: %s %s to version %s\n", ok ? "pinned" : "cannot pin",
	       c, v);
}

__attribute__((constructor)) static void lu_pins(void)
{
	char buf[2048], *p, *c, *v, sep;
	int fd, n;

	fd = open("/proc/cmdline", O_RDONLY);
	if (fd < 0)
		return;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return;
	buf[n] = '\0';
	p = strstr(buf, "lu_pins=");
	if (!p)
		return;
	if (access("/sys/kernel", F_OK)) {
		mkdir("/sys", 0755);
		mount("sysfs", "/sys", "sysfs", 0, NULL);
	}
	if (access(LU_COMPONENTS, F_OK))
		return;

	/* <name>:<version>[,<name>:<version>...] up to a blank. */
	p += strlen("lu_pins=");
	while (*p && *p != ' ' && *p != '\n') {
		c = p;
		while (*p && *p != ':' && *p != ',' && *p != ' ' && *p != '\n')
			p++;
		if (*p != ':')
			return;
		v = ++p;
		while (*p >= '0' && *p <= '9')
			p++;
		if (p == v || (*p && *p != ',' && *p != ' ' && *p != '\n'))
			return;
		sep = *p;
		v[-1] = '\0';
		*p = '\0';
		lu_pin(c, v);
		if (sep != ',')
			return;
		p++;
	}
}
