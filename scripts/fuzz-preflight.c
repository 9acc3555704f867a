// SPDX-License-Identifier: GPL-2.0
/*
 * fuzz-preflight.c: a libFuzzer target for the image reader of the
 * pre-flight tool (tools/kho/image.c), built with ASan and UBSan by
 * scripts/preflight-images.sh. On any input the reader must not crash, leak
 * or hit undefined behaviour, and what it answers must hold together: an
 * image it could not read gives an error that says why and nothing else;
 * an image it read gives a valid catalog, a known release, or a kernel
 * without KHO, and the verdict for a writer of every component never keeps
 * a component the image does not declare.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <linux/kho/preflight.h>

#include "image.h"

static void check(bool ok, const char *what)
{
	if (!ok) {
		fprintf(stderr, "fuzz-preflight: broken: %s\n", what);
		abort();
	}
}

static const char *const writer[] = {
	"radix-tree", "vmalloc", "block", "luo", "memfd", "memblock",
	"kho-test",
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct kho_image img;
	struct kho_preflight_comp p[7];
	const struct kho_image_component *t;
	unsigned int i, j;
	char err[256];

	err[0] = 0;
	if (kho_image_read(data, size, &img, err, sizeof(err))) {
		check(err[0] && memchr(err, 0, sizeof(err)), "an error says why");
		return 0;
	}
	check(img.n <= KHO_IMAGE_MAX_COMPONENTS, "at most the components it keeps");
	for (i = 0; i < img.n; i++) {
		const struct kho_image_component *c = &img.c[i];

		check(c->name[0] && memchr(c->name, 0, sizeof(c->name)),
		      "a component has a name");
		check(c->min_write && c->min_write <= c->version,
		      "a component writes what it can");
		check(c->min_read && c->min_read <= c->max_read,
		      "a component reads a range");
		for (j = 0; j < i; j++)
			check(strcmp(c->name, img.c[j].name), "a name once");
	}
	switch (img.kind) {
	case KHO_IMAGE_CATALOG:
		check(img.n > 0 && img.source, "a catalog has records");
		break;
	case KHO_IMAGE_RELEASE:
		check(img.release && img.root && img.source, "a release is named");
		check(!strcmp(img.root, KHO_IMAGE_ROOT_7_3) || !img.n,
		      "only a release of kho-v4 reads a component of the series");
		for (i = 0; i < img.n; i++)
			check(img.c[i].max_read == 1, "a release reads version 1");
		break;
	case KHO_IMAGE_NO_KHO:
		check(!img.n && img.source, "a kernel without KHO reads nothing");
		break;
	default:
		check(false, "a kind");
	}

	/* Every component written in version 1: kept only where declared. */
	for (i = 0; i < 7; i++) {
		t = NULL;
		for (j = 0; j < img.n; j++)
			if (!strcmp(img.c[j].name, writer[i]))
				t = &img.c[j];
		p[i] = (struct kho_preflight_comp) {
			.write = 1, .min_write = 1, .max_write = 1, .known = t,
			.min_read = t ? t->min_read : 0,
			.max_read = t ? t->max_read : 0,
		};
	}
	kho_preflight(p, 7, img.kind != KHO_IMAGE_CATALOG);
	for (i = 0; i < 7; i++)
		if (!kho_preflight_dropped(p[i].outcome))
			check(p[i].known && img.kind != KHO_IMAGE_NO_KHO,
			      "kept only what the image declares");
	return 0;
}
