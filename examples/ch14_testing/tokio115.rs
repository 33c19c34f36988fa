//! # tokio115: what a test cannot show: the interleaving it never runs
//!
//! Chapter 14, *Testing async code*. `withdraw` reads the balance, awaits a fraud check, then
//! writes back the balance minus the amount. Every test that awaits one withdrawal at a time
//! passes. Two withdrawals running at once can both read 100 before either writes, and one of them
//! is lost. A test proves only the schedules it runs: on a current_thread runtime the schedule is
//! fixed by where the tasks await and the order they were spawned in, so the bug appears only in a
//! test that puts two withdrawals side by side with an `.await` between the read and the write.
//! Tools such as [loom](https://docs.rs/loom) (for code on threads and atomics) run a test under
//! every interleaving the model allows; for async code the practical defence is to look for state
//! read before an `.await` and written after it, and to write the test that interleaves there.
//!
//! ```text
//! cargo run --example tokio115
//! ```
//!
//! Prints at once:
//!
//! ```text
//! one after the other: 100 - 30 - 30 = 40
//! side by side (join!): 100 - 30 - 30 = 70: one withdrawal lost
//! side by side, the read and the write under one lock: 100 - 30 - 30 = 40
//! ```

use std::sync::Mutex;

use tokio::runtime::Builder;
use tokio::task::yield_now;

/// A balance behind a std `Mutex`, never held across an `.await`.
struct Account {
    balance: Mutex<u32>,
}

/// A check that takes a turn of the scheduler, as a network call would.
async fn fraud_check() {
    yield_now().await;
}

// ANCHOR: withdraw
impl Account {
    /// The bug: the balance is read before the `.await` and written after it.
    async fn withdraw(&self, amount: u32) {
        let balance = *self.balance.lock().unwrap();
        fraud_check().await;
        *self.balance.lock().unwrap() = balance - amount;
    }

    /// The fix: check first, then read and write in one step, with no `.await`
    /// in between.
    async fn withdraw_fixed(&self, amount: u32) {
        fraud_check().await;
        *self.balance.lock().unwrap() -= amount;
    }
}
// ANCHOR_END: withdraw

fn main() {
    let rt = Builder::new_current_thread().build().unwrap();
    let fresh = || Account {
        balance: Mutex::new(100),
    };
    rt.block_on(async {
        // ANCHOR: tests
        let account = fresh();
        account.withdraw(30).await;
        account.withdraw(30).await;
        let one_by_one = *account.balance.lock().unwrap();

        let account = fresh();
        tokio::join!(account.withdraw(30), account.withdraw(30));
        let side_by_side = *account.balance.lock().unwrap();
        // ANCHOR_END: tests

        let account = fresh();
        tokio::join!(account.withdraw_fixed(30), account.withdraw_fixed(30));
        let fixed = *account.balance.lock().unwrap();

        println!("one after the other: 100 - 30 - 30 = {one_by_one}");
        let verdict = if side_by_side == 40 {
            "correct"
        } else {
            "one withdrawal lost"
        };
        println!(
            "side by side (join!): 100 - 30 - 30 = {side_by_side}: {verdict}"
        );
        println!(
            "side by side, the read and the write under one lock: \
            100 - 30 - 30 = {fixed}"
        );
    });
}
