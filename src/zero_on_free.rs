//! A global allocator that zeroes each block before it is freed, and the part of a block that a
//! reallocation leaves behind.
//!
//! Zeroing where secrets are dropped (a `Zeroizing` field here and there) misses the copies made
//! on the way: the buffer wasm-bindgen writes a JS string into, a `String` that grew and moved,
//! the intermediate encoded forms of the signer. Here every buffer is cleared, whatever it held,
//! through `zeroize`'s volatile writes, which the optimiser may not remove.
#![allow(unsafe_code)]

use core::alloc::{GlobalAlloc, Layout};

use zeroize::Zeroize;

/// `A`, zeroing memory before handing it back.
#[derive(Debug)]
pub(crate) struct ZeroOnFree<A>(pub(crate) A);

// SAFETY: every call is forwarded to `A` with the same layouts; the zeroing writes only inside a
// block that the caller still owns (before `dealloc`, or past `new_size` before a shrink).
unsafe impl<A: GlobalAlloc> GlobalAlloc for ZeroOnFree<A> {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        unsafe { self.0.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe {
            core::slice::from_raw_parts_mut(ptr, layout.size()).zeroize();
            self.0.dealloc(ptr, layout);
        }
    }

    // Never lets the inner allocator move a block itself: it would free the old one unzeroed.
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        unsafe {
            if new_size <= layout.size() {
                core::slice::from_raw_parts_mut(ptr.add(new_size), layout.size() - new_size).zeroize();
                return self.0.realloc(ptr, layout, new_size);
            }
            let new_layout = Layout::from_size_align_unchecked(new_size, layout.align());
            let new = self.0.alloc(new_layout);
            if !new.is_null() {
                core::ptr::copy_nonoverlapping(ptr, new, layout.size());
                self.dealloc(ptr, layout);
            }
            new
        }
    }
}
