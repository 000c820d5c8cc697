// Demo text for CellScope: a small kernel-style ring buffer, written for this project.
/*
 * ring_buffer.c - a fixed-size byte ring shared by one producer and one consumer
 *
 * The producer appends records at the head and the consumer removes them at
 * the tail. Both indices only ever grow; the slot of an index is found by
 * masking it with (size - 1), so the size must be a power of two.
 *
 * Design notes and the record format are described at
 * https://example.org/docs/ring-buffer/design.html
 */

#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/uaccess.h>

#define RING_MIN_ORDER		4
#define RING_MAX_ORDER		16
#define RING_REC_HDR		sizeof(struct ring_rec)
#define RING_FLAG_OVERWRITE	0x01
#define RING_FLAG_STOPPED	0x02

struct ring_rec {
	u16 len;		/* payload bytes after this header */
	u16 type;		/* record type, chosen by the caller */
};

struct ring_buffer {
	spinlock_t lock;	/* protects head, tail and flags */
	unsigned long head;	/* next byte the producer writes */
	unsigned long tail;	/* next byte the consumer reads */
	unsigned int order;	/* size is 1 << order bytes */
	unsigned int flags;
	u64 dropped;		/* records lost while the ring was full */
	char *data;
};

enum ring_cmd {
	RING_CMD_RESET,
	RING_CMD_STOP,
	RING_CMD_START,
	RING_CMD_RESIZE,
};

static inline unsigned long ring_size(const struct ring_buffer *rb)
{
	return 1UL << rb->order;
}

static inline unsigned long ring_used(const struct ring_buffer *rb)
{
	return rb->head - rb->tail;
}

/*
 * Copy @len bytes into the ring at @pos, wrapping around the end of the
 * buffer if needed. The caller holds rb->lock and has checked the space.
 */
static void ring_copy_in(struct ring_buffer *rb, unsigned long pos,
			 const void *src, size_t len)
{
	unsigned long mask = ring_size(rb) - 1;
	size_t first = min_t(size_t, len, ring_size(rb) - (pos & mask));

	memcpy(rb->data + (pos & mask), src, first);
	if (len > first)
		memcpy(rb->data, (const char *)src + first, len - first);
}

static void ring_copy_out(struct ring_buffer *rb, unsigned long pos,
			  void *dst, size_t len)
{
	unsigned long mask = ring_size(rb) - 1;
	size_t first = min_t(size_t, len, ring_size(rb) - (pos & mask));

	memcpy(dst, rb->data + (pos & mask), first);
	if (len > first)
		memcpy((char *)dst + first, rb->data, len - first);
}

/* Drop the oldest record to make room; returns false if the ring is empty. */
static bool ring_drop_oldest(struct ring_buffer *rb)
{
	struct ring_rec rec;

	if (ring_used(rb) < RING_REC_HDR)
		return false;
	ring_copy_out(rb, rb->tail, &rec, sizeof(rec));
	rb->tail += RING_REC_HDR + rec.len;
	rb->dropped++;
	return true;
}

int ring_write(struct ring_buffer *rb, u16 type, const void *buf, u16 len)
{
	struct ring_rec rec = { .len = len, .type = type };
	unsigned long need = RING_REC_HDR + len;
	unsigned long flags;
	int ret = 0;

	if (!rb || (len && !buf))
		return -EINVAL;
	if (need > ring_size(rb) / 2) {
		pr_warn("ring: record of %u bytes is too large\n", len);
		return -E2BIG;
	}

	spin_lock_irqsave(&rb->lock, flags);
	if (rb->flags & RING_FLAG_STOPPED) {
		ret = -EAGAIN;
		goto out_unlock;
	}
	while (ring_size(rb) - ring_used(rb) < need) {
		// Full: either overwrite the oldest records or refuse this one.
		if (!(rb->flags & RING_FLAG_OVERWRITE)) {
			rb->dropped++;
			ret = -ENOSPC;
			goto out_unlock;
		}
		if (!ring_drop_oldest(rb)) {
			WARN_ONCE(1, "ring: empty but no space for %lu bytes\n", need);
			ret = -EIO;
			goto out_unlock;
		}
	}
	ring_copy_in(rb, rb->head, &rec, sizeof(rec));
	ring_copy_in(rb, rb->head + RING_REC_HDR, buf, len);
	rb->head += need;

out_unlock:
	spin_unlock_irqrestore(&rb->lock, flags);
	return ret;
}
EXPORT_SYMBOL_GPL(ring_write);

/*
 * Read one record into @buf. Returns the payload length, 0 if the ring is
 * empty, or -EMSGSIZE (leaving the record in place) if @size is too small.
 */
int ring_read(struct ring_buffer *rb, u16 *type, void *buf, size_t size)
{
	struct ring_rec rec;
	unsigned long flags;
	int ret;

	spin_lock_irqsave(&rb->lock, flags);
	if (ring_used(rb) == 0) {
		ret = 0;
	} else {
		ring_copy_out(rb, rb->tail, &rec, sizeof(rec));
		if (rec.len > size) {
			ret = -EMSGSIZE;
		} else {
			ring_copy_out(rb, rb->tail + RING_REC_HDR, buf, rec.len);
			rb->tail += RING_REC_HDR + rec.len;
			*type = rec.type;
			ret = rec.len;
		}
	}
	spin_unlock_irqrestore(&rb->lock, flags);
	return ret;
}
EXPORT_SYMBOL_GPL(ring_read);

/* Count the records of one type without consuming them. */
static unsigned int ring_count_type(struct ring_buffer *rb, u16 type)
{
	struct ring_rec rec;
	unsigned long pos;
	unsigned int n = 0;

	spin_lock_irq(&rb->lock);
	for (pos = rb->tail; pos != rb->head; pos += RING_REC_HDR + rec.len) {
		ring_copy_out(rb, pos, &rec, sizeof(rec));
		if (rec.type == type) {
			n++;
			if ((rec.len == 0) && (type != 0)) {
				// An empty record of a data type: report it, keep counting.
				pr_info("ring: empty record at %lu\n", pos);
			}
		}
	}
	spin_unlock_irq(&rb->lock);
	return n;
}

static int ring_resize(struct ring_buffer *rb, unsigned int order)
{
	char *data;

	if ((order < RING_MIN_ORDER) || (order > RING_MAX_ORDER))
		return -EINVAL;
	data = kzalloc(1UL << order, GFP_KERNEL);
	if (!data)
		return -ENOMEM;

	spin_lock_irq(&rb->lock);
	kfree(rb->data);
	rb->data = data;
	rb->order = order;
	rb->head = rb->tail = 0;
	spin_unlock_irq(&rb->lock);
	return 0;
}

long ring_ioctl(struct ring_buffer *rb, unsigned int cmd, unsigned long arg)
{
	switch (cmd) {
	case RING_CMD_RESET:
		spin_lock_irq(&rb->lock);
		rb->head = rb->tail = 0;
		rb->dropped = 0;
		spin_unlock_irq(&rb->lock);
		return 0;
	case RING_CMD_STOP:
	case RING_CMD_START:
		spin_lock_irq(&rb->lock);
		if (cmd == RING_CMD_STOP)
			rb->flags |= RING_FLAG_STOPPED;
		else
			rb->flags &= ~RING_FLAG_STOPPED;
		spin_unlock_irq(&rb->lock);
		return 0;
	case RING_CMD_RESIZE:
		/* arg is the new order, not the size in bytes */
		return ring_resize(rb, (unsigned int)arg);
	default:
		pr_debug("ring: unknown command %u\n", cmd);
		return -ENOTTY;
	}
}

/* Print a one-line summary, as shown in the debugfs "stats" file. */
void ring_show_stats(struct ring_buffer *rb, struct seq_file *m)
{
	unsigned long used;
	u64 dropped;

	spin_lock_irq(&rb->lock);
	used = ring_used(rb);
	dropped = rb->dropped;
	spin_unlock_irq(&rb->lock);

	seq_printf(m, "size %lu used %lu dropped %llu%s\n", ring_size(rb), used,
		   dropped, (rb->flags & RING_FLAG_STOPPED) ? " (stopped)" : "");
}
