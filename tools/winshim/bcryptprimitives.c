/*
 * bcryptprimitives.dll for Wine 8.0 (Debian 12), which has no such DLL: Go's
 * runtime (1.22 and later) takes its random bytes from
 * bcryptprimitives!ProcessPrng, loaded from system32, and refuses to start
 * without it. This one answers with RtlGenRandom (advapi32!SystemFunction036).
 * Only for running Terrimap under Wine (make smoke-windows); Windows 10 and
 * later have the real DLL.
 */
#include <windows.h>

BOOLEAN WINAPI SystemFunction036(PVOID buffer, ULONG length);

__declspec(dllexport) BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T size)
{
	while (size > 0) {
		ULONG n = size > 0x10000000 ? 0x10000000 : (ULONG)size;
		if (!SystemFunction036(data, n))
			return FALSE;
		data += n;
		size -= n;
	}
	return TRUE;
}
