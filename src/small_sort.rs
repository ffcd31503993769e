//! A stable insertion sort for the handful of items the signer sorts (a dozen parameters, a
//! few secrets): in wasm it is a fraction of the size of the std sorts.

/// Sorts `items` stably by `less`, which says whether its first argument goes before its second.
/// A comparator, not a key function: a key would be built (a header name cloned) per comparison.
pub(crate) fn sort_by<T>(items: &mut [T], less: impl Fn(&T, &T) -> bool) {
    for i in 1..items.len() {
        let mut j = i;
        while j > 0 && less(&items[j], &items[j - 1]) {
            items.swap(j - 1, j);
            j -= 1;
        }
    }
}

/// Whether two items of `items` are equal: heapsorts references to them (O(n log n) for any
/// input: a JSON object from the network may have thousands of keys), then compares neighbours.
pub(crate) fn has_duplicate<T: Ord>(items: &[T]) -> bool {
    let mut refs: Vec<&T> = items.iter().collect();
    let sift_down = |refs: &mut [&T], mut root: usize, end: usize| loop {
        let mut child = 2 * root + 1;
        if child >= end {
            break;
        }
        if child + 1 < end && refs[child] < refs[child + 1] {
            child += 1;
        }
        if refs[root] >= refs[child] {
            break;
        }
        refs.swap(root, child);
        root = child;
    };
    let n = refs.len();
    for root in (0..n / 2).rev() {
        sift_down(&mut refs, root, n);
    }
    for end in (1..n).rev() {
        refs.swap(0, end);
        sift_down(&mut refs, 0, end);
    }
    refs.windows(2).any(|pair| pair[0] == pair[1])
}

#[cfg(test)]
mod tests {
    #[test]
    fn finds_duplicates() {
        assert!(!super::has_duplicate::<u8>(&[]));
        assert!(!super::has_duplicate(&["b", "a", "c"]));
        assert!(super::has_duplicate(&["b", "a", "c", "a"]));
        let many: Vec<u32> = (0..10_000).rev().collect();
        assert!(!super::has_duplicate(&many));
        assert!(super::has_duplicate(&[many.as_slice(), &[5_000]].concat()));
    }

    #[test]
    fn sorts_stably() {
        let mut items = [(3, 'a'), (1, 'b'), (3, 'c'), (0, 'd'), (1, 'e')];
        super::sort_by(&mut items, |a, b| a.0 < b.0);
        assert_eq!(items, [(0, 'd'), (1, 'b'), (1, 'e'), (3, 'a'), (3, 'c')]);
    }
}
