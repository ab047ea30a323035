"""threadpoolctl support: bufkern's kernel threads as a library it controls.

threadpoolctl finds thread pools among the shared objects loaded in the
process; bufkern's pool lives in its extension module ``bufkern._core``,
which exports two C functions for it. Registered when bufkern is imported,
if threadpoolctl (3.4 or newer, which has ``register``) is installed.
"""

import ctypes

import threadpoolctl


class BufkernController(threadpoolctl.LibController):
    user_api = "bufkern"
    internal_api = "bufkern"
    filename_prefixes = ("_core",)
    # Other packages have modules called _core too: only ours has these.
    check_symbols = ("bufkern_threadpool_get_num_threads", "bufkern_threadpool_set_num_threads")

    def get_num_threads(self):
        return self.dynlib.bufkern_threadpool_get_num_threads()

    def set_num_threads(self, num_threads):
        self.dynlib.bufkern_threadpool_set_num_threads(ctypes.c_int(num_threads))

    def get_version(self):
        from bufkern import __version__

        return __version__


def register():
    if hasattr(threadpoolctl, "register"):
        threadpoolctl.register(BufkernController)
