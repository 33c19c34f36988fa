//! # tokio72: cancelled between two steps, money vanishes
//!
//! Chapter 11, *Common pitfalls*. A transfer debits one account, awaits (a ledger write, here a
//! slow one), then credits the other. A caller that gives up after 100 ms with
//! [`tokio::time::timeout`](https://docs.rs/tokio/latest/tokio/time/fn.timeout.html) drops the
//! transfer future at its `.await`: the debit has happened, the credit never will. Dropping a
//! future is how every cancellation in Tokio happens (`select!`, `timeout`, `abort`), and it can
//! happen at any `.await`. The detection is an invariant checked after every transfer: the total
//! of all balances. The fix does the slow, cancellable part first and applies both changes
//! together, with no `.await` between them, so a cancellation leaves either nothing or everything.
//!
//! ```text
//! cargo run --example tokio72
//! ```
//!
//! Prints after about 200 ms:
//!
//! ```text
//! debit, await, credit: cancelled; total 200 -> 150, 50 vanished
//! await, then debit and credit together: cancelled; total 200 -> 200, 0 vanished
//! ```

use std::sync::Mutex;
use std::time::Duration;

/// Two accounts; the lock is only ever held for a few instructions, never across an `.await`.
struct Bank {
    balances: Mutex<[u64; 2]>,
}

impl Bank {
    fn new() -> Self {
        Bank {
            balances: Mutex::new([100, 100]),
        }
    }

    fn total(&self) -> u64 {
        self.balances.lock().unwrap().iter().sum()
    }
}

/// The slow step in the middle: longer than the caller is willing to wait.
async fn write_ledger() {
    tokio::time::sleep(Duration::from_secs(1)).await;
}

// ANCHOR: bug
/// The pitfall: cancelled at the `.await`, the debit stays and the credit never
/// comes.
async fn transfer_in_steps(bank: &Bank, amount: u64) {
    bank.balances.lock().unwrap()[0] -= amount;
    write_ledger().await;
    bank.balances.lock().unwrap()[1] += amount;
}
// ANCHOR_END: bug

// ANCHOR: fix
/// The fix: everything that can be cancelled comes first; the two changes
/// happen together.
async fn transfer_then_commit(bank: &Bank, amount: u64) {
    write_ledger().await;
    let mut balances = bank.balances.lock().unwrap();
    balances[0] -= amount;
    balances[1] += amount;
}
// ANCHOR_END: fix

// ANCHOR: main
#[tokio::main(flavor = "current_thread")]
async fn main() {
    let bank = Bank::new();
    let before = bank.total();
    let outcome = tokio::time::timeout(
        Duration::from_millis(100),
        transfer_in_steps(&bank, 50),
    )
    .await;
    report(
        "debit, await, credit",
        outcome.is_ok(),
        before,
        bank.total(),
    );

    let bank = Bank::new();
    let before = bank.total();
    let outcome = tokio::time::timeout(
        Duration::from_millis(100),
        transfer_then_commit(&bank, 50),
    )
    .await;
    report(
        "await, then debit and credit together",
        outcome.is_ok(),
        before,
        bank.total(),
    );
}

/// Prints the invariant check: the total must not change, whatever happened to the transfer.
fn report(version: &str, finished: bool, before: u64, after: u64) {
    let ending = if finished { "finished" } else { "cancelled" };
    println!(
        "{version}: {ending}; total {before} -> {after}, {} vanished",
        before - after
    );
}
// ANCHOR_END: main
