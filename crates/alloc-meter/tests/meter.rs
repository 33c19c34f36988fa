//! The counts follow real allocations when the meter is installed.

#[global_allocator]
static ALLOCATOR: alloc_meter::Meter = alloc_meter::Meter;

/// `in_use` and `peak` count the whole process: a test that frees memory on another thread
/// while this one compares them would move them under it, so these tests run one at a time.
static SERIAL: std::sync::Mutex<()> = std::sync::Mutex::new(());

#[test]
fn a_live_vec_is_in_use_and_counted_for_this_thread_and_freed_bytes_leave_in_use() {
    let _serial = SERIAL
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    // `in_use` and `peak` count the whole process, and the test harness allocates and frees on
    // its own threads meanwhile (a few KiB of captured output and results): the block is large
    // and the process-wide checks leave half of it as slack.
    const BLOCK: usize = 8 << 20;
    const SLACK: usize = BLOCK / 2;
    let start = alloc_meter::reset_peak();
    let mine = alloc_meter::thread_allocated();
    let block: Vec<u8> = Vec::with_capacity(BLOCK);
    assert!(
        alloc_meter::in_use() >= start + BLOCK - SLACK,
        "a live 8 MiB Vec must count as in use"
    );
    assert!(
        alloc_meter::thread_allocated() >= mine + BLOCK,
        "the 8 MiB must be counted, exactly, for the thread that allocated it"
    );
    drop(block);
    assert!(
        alloc_meter::peak() >= start + BLOCK - SLACK,
        "the peak must remember the 8 MiB after it is freed"
    );
    assert!(
        alloc_meter::in_use() < start + SLACK,
        "freed bytes must leave `in_use`"
    );
}

#[test]
fn growing_a_vec_counts_its_new_size() {
    let _serial = SERIAL
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    let mut v: Vec<u8> = Vec::with_capacity(16);
    let before = alloc_meter::thread_allocated();
    v.reserve_exact(1 << 16);
    assert!(
        alloc_meter::thread_allocated() >= before + (1 << 16),
        "a realloc to 64 KiB must count 64 KiB for this thread"
    );
    drop(v);
}

#[test]
fn another_thread_allocations_are_not_counted_for_this_one() {
    let _serial = SERIAL
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    let before = alloc_meter::thread_allocated();
    std::thread::spawn(|| drop(vec![0u8; 1 << 20]))
        .join()
        .expect("the thread ran");
    assert!(
        alloc_meter::thread_allocated() - before < 1 << 20,
        "a MiB allocated by another thread must not count for this one"
    );
}
