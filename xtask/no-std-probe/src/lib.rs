//! A `#![no_std]` staticlib built by `cargo xtask no-std`: it calls the
//! catalogue (and, with the `serde` feature, decodes a Parse error body with
//! serde_json) from `extern "C"` functions, so that the archive holds the
//! crate's code together with everything it needs. Its own `#[panic_handler]`
//! makes the build fail if anything links `std`, which brings another one.
//!
//! It brings what a program without an operating system must bring itself:
//! a panic handler and a global allocator. Its inputs are chosen by index
//! among the samples below, so the exported functions need no raw pointers.

#![no_std]
#![deny(unsafe_op_in_unsafe_fn)]

use core::alloc::{GlobalAlloc, Layout};
use core::cell::UnsafeCell;
use core::panic::PanicInfo;
use core::sync::atomic::{AtomicUsize, Ordering};

use parse_error_codes::{Category, ErrorCode, ErrorKind};

/// Names for [`parse_error_codes_probe_name_code`]: two documented, one not.
const NAMES: [&str; 3] = [
    "ObjectNotFound",
    "InvalidSessionToken",
    "NotAParseErrorName",
];

/// Anchors for [`parse_error_codes_probe_category_kind_count`]: two
/// documented, one not.
const ANCHORS: [&str; 3] = ["api-issues", "linked-services-errors", "no-such-section"];

/// The number of documented kinds of `code` (0 for a code the document does
/// not list).
#[no_mangle]
pub extern "C" fn parse_error_codes_probe_kind_count(code: i32) -> usize {
    ErrorCode::new(code).kinds().len()
}

/// Writes the code of the name `NAMES[index]` into `code` and returns true;
/// returns false for an undocumented name or an index out of range.
#[no_mangle]
pub extern "C" fn parse_error_codes_probe_name_code(index: usize, code: &mut i32) -> bool {
    match NAMES.get(index).and_then(|name| ErrorKind::from_name(name)) {
        Some(kind) => {
            *code = kind.code().get();
            true
        }
        None => false,
    }
}

/// The number of kinds in the section `ANCHORS[index]`; 0 for an unknown
/// anchor or an index out of range.
#[no_mangle]
pub extern "C" fn parse_error_codes_probe_category_kind_count(index: usize) -> usize {
    ANCHORS
        .get(index)
        .and_then(|anchor| Category::from_anchor(anchor))
        .map_or(0, |category| category.kinds().len())
}

/// The length in bytes of the title of the section of `code`'s first kind; 0
/// for a code the document does not list.
#[no_mangle]
pub extern "C" fn parse_error_codes_probe_category_title_len(code: i32) -> usize {
    ErrorCode::new(code)
        .kind()
        .map_or(0, |kind| kind.category().title().len())
}

#[cfg(feature = "serde")]
mod bodies {
    use parse_error_codes::ParseError;

    /// Bodies for [`parse_error_codes_probe_decode`]: with a code, without
    /// one, and not a Parse error body at all.
    const BODIES: [&[u8]; 3] = [
        br#"{"code":101,"error":"Object not found."}"#,
        br#"{"error":"unauthorized"}"#,
        b"<html>Bad Gateway</html>",
    ];

    /// Decodes `BODIES[index]` as a [`ParseError`] with serde_json. Returns 0
    /// and writes the code into `code` when the body has one; 1 when it
    /// decodes without a code; 2 when it does not decode (or `index` is out
    /// of range).
    #[no_mangle]
    pub extern "C" fn parse_error_codes_probe_decode(index: usize, code: &mut i32) -> u8 {
        let Some(body) = BODIES.get(index) else {
            return 2;
        };
        match serde_json::from_slice::<ParseError>(body) {
            Ok(error) => match error.code() {
                Some(found) => {
                    *code = found.get();
                    0
                }
                None => 1,
            },
            Err(_) => 2,
        }
    }
}

/// With `panic = "abort"` and no operating system to return to, a panic can
/// only stop here. None is expected: the probe is linked, not run.
#[panic_handler]
fn panic(_: &PanicInfo<'_>) -> ! {
    loop {
        core::hint::spin_loop();
    }
}

/// Bytes available to the allocator. Nothing is ever freed, so this bounds
/// the total allocated over the program's life; decoding one sample body
/// takes well under 1 KiB.
const HEAP_SIZE: usize = 64 * 1024;

/// The smallest allocator that lets `alloc` (serde_json's strings and
/// `Value`s) run without an operating system: a cursor moving forward
/// through a static buffer. `dealloc` frees nothing; when the buffer is used
/// up, allocation fails (null), which `alloc` reports as a panic.
struct BumpAllocator {
    heap: UnsafeCell<[u8; HEAP_SIZE]>,
    /// Bytes of `heap` reserved so far, alignment padding included.
    used: AtomicUsize,
}

// SAFETY: the only state shared between threads is `used`, an atomic. Each
// allocation reserves its bytes of `heap` by moving `used` forward in one
// atomic update, so no two callers ever receive overlapping bytes, and the
// allocator itself never reads or writes `heap`.
unsafe impl Sync for BumpAllocator {}

impl BumpAllocator {
    /// Where an allocation of `layout` starts and ends, as offsets into the
    /// heap at address `base`, when `used` bytes are taken; `None` when it
    /// does not fit.
    fn place(base: usize, used: usize, layout: Layout) -> Option<(usize, usize)> {
        let first_free = base.checked_add(used)?;
        // `Layout` guarantees a power-of-two alignment.
        let aligned = first_free.checked_add(layout.align() - 1)? & !(layout.align() - 1);
        let start = aligned - base;
        let end = start.checked_add(layout.size())?;
        (end <= HEAP_SIZE).then_some((start, end))
    }
}

// SAFETY: `alloc` returns null or a pointer to `layout.size()` bytes aligned
// to `layout.align()`, inside `heap` and disjoint from every earlier
// allocation (`used` only grows, see `place`); the pointer is derived from
// `heap` itself, so it may access those bytes. Never freeing memory is allowed.
unsafe impl GlobalAlloc for BumpAllocator {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let heap = self.heap.get().cast::<u8>();
        let base = heap.addr();
        let reserved = self
            .used
            .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |used| {
                Self::place(base, used, layout).map(|(_, end)| end)
            });
        match reserved
            .ok()
            .and_then(|used| Self::place(base, used, layout))
        {
            Some((start, _)) => heap.wrapping_add(start),
            None => core::ptr::null_mut(),
        }
    }

    unsafe fn dealloc(&self, _: *mut u8, _: Layout) {}
}

#[global_allocator]
static ALLOCATOR: BumpAllocator = BumpAllocator {
    heap: UnsafeCell::new([0; HEAP_SIZE]),
    used: AtomicUsize::new(0),
};
