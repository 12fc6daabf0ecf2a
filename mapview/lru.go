package mapview

// lru is a map bounded by the total cost of its values (bytes, usually):
// putting a value evicts the least recently used ones until the total fits.
// It is not safe for concurrent use; its owner locks it.
type lru[K comparable, V any] struct {
	max, used  int64
	items      map[K]*lruItem[K, V]
	head, tail *lruItem[K, V] // head is the most recently used
	onEvict    func(K, V)
}

type lruItem[K comparable, V any] struct {
	key        K
	val        V
	cost       int64
	prev, next *lruItem[K, V]
}

func newLRU[K comparable, V any](maxCost int64) *lru[K, V] {
	return &lru[K, V]{max: maxCost, items: map[K]*lruItem[K, V]{}}
}

func (c *lru[K, V]) len() int    { return len(c.items) }
func (c *lru[K, V]) cost() int64 { return c.used }

// get returns the value of k and marks it used.
func (c *lru[K, V]) get(k K) (V, bool) {
	it, ok := c.items[k]
	if !ok {
		var zero V
		return zero, false
	}
	c.moveToFront(it)
	return it.val, true
}

// peek returns the value of k without marking it used.
func (c *lru[K, V]) peek(k K) (V, bool) {
	it, ok := c.items[k]
	if !ok {
		var zero V
		return zero, false
	}
	return it.val, true
}

// put stores v under k, replacing any value there, then evicts the least
// recently used values while the total cost is over the bound. A value
// costing more than the bound is not kept.
func (c *lru[K, V]) put(k K, v V, cost int64) {
	if cost < 1 {
		cost = 1
	}
	if it, ok := c.items[k]; ok {
		c.used += cost - it.cost
		it.val, it.cost = v, cost
		c.moveToFront(it)
	} else {
		it := &lruItem[K, V]{key: k, val: v, cost: cost}
		c.items[k] = it
		c.used += cost
		c.pushFront(it)
	}
	for c.used > c.max && c.tail != nil {
		c.evict(c.tail)
	}
}

// remove drops k.
func (c *lru[K, V]) remove(k K) {
	if it, ok := c.items[k]; ok {
		c.unlink(it)
		delete(c.items, k)
		c.used -= it.cost
	}
}

// each calls fn for every entry, most recently used first, until fn
// returns false. fn must not change the cache.
func (c *lru[K, V]) each(fn func(K, V) bool) {
	for it := c.head; it != nil; it = it.next {
		if !fn(it.key, it.val) {
			return
		}
	}
}

// clear drops everything.
func (c *lru[K, V]) clear() {
	clear(c.items)
	c.head, c.tail, c.used = nil, nil, 0
}

func (c *lru[K, V]) evict(it *lruItem[K, V]) {
	c.unlink(it)
	delete(c.items, it.key)
	c.used -= it.cost
	if c.onEvict != nil {
		c.onEvict(it.key, it.val)
	}
}

func (c *lru[K, V]) pushFront(it *lruItem[K, V]) {
	it.prev, it.next = nil, c.head
	if c.head != nil {
		c.head.prev = it
	}
	c.head = it
	if c.tail == nil {
		c.tail = it
	}
}

func (c *lru[K, V]) unlink(it *lruItem[K, V]) {
	if it.prev != nil {
		it.prev.next = it.next
	} else {
		c.head = it.next
	}
	if it.next != nil {
		it.next.prev = it.prev
	} else {
		c.tail = it.prev
	}
	it.prev, it.next = nil, nil
}

func (c *lru[K, V]) moveToFront(it *lruItem[K, V]) {
	if c.head == it {
		return
	}
	c.unlink(it)
	c.pushFront(it)
}
