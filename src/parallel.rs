//! Order-keeping parallel map for the stages whose items are independent
//! (planning clusters, rendering files, writing files).

/// `items.iter().map(f).collect()`, split in contiguous chunks over the
/// machine's cores when every core gets at least `min_per_thread` items
/// (below that, threads cost more than they save). The result keeps the
/// order of `items`.
pub(crate) fn map<T, R, F>(items: &[T], min_per_thread: usize, f: F) -> Vec<R>
where
    T: Sync,
    R: Send,
    F: Fn(&T) -> R + Sync,
{
    let threads = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(items.len() / min_per_thread.max(1))
        .max(1);
    if threads == 1 {
        return items.iter().map(&f).collect();
    }
    let chunk = items.len().div_ceil(threads);
    std::thread::scope(|scope| {
        let f = &f;
        let workers: Vec<_> = items
            .chunks(chunk)
            .map(|part| scope.spawn(move || part.iter().map(f).collect::<Vec<R>>()))
            .collect();
        workers
            .into_iter()
            .flat_map(|w| w.join().expect("a worker thread panicked"))
            .collect()
    })
}

#[cfg(test)]
mod tests {
    #[test]
    fn keeps_order_with_and_without_threads() {
        let items: Vec<u32> = (0..10_000).collect();
        let doubled = super::map(&items, 1, |x| x * 2);
        assert_eq!(doubled, items.iter().map(|x| x * 2).collect::<Vec<_>>());
        assert_eq!(super::map(&items[..3], 100, |x| x + 1), vec![1, 2, 3]);
        assert!(super::map(&[] as &[u32], 1, |x| *x).is_empty());
    }
}
