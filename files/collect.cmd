@echo off
rem ==========================================================================
rem  collect.cmd - export what tlsready.windows reads from this host, so that
rem  an Ansible controller that cannot reach it can audit it "offline".
rem
rem  Usage (from an elevated command prompt, "Run as administrator"):
rem      collect.cmd [output folder]
rem  The default folder is %COMPUTERNAME%-tlsready in the current directory.
rem  Note: an elevated prompt opened from the Start menu starts in
rem  C:\Windows\System32, so pass a folder such as C:\Temp\%COMPUTERNAME%-tlsready.
rem
rem  Only built-in tools are used (reg, wmic, Windows PowerShell, systeminfo),
rem  so it runs on Windows 7 SP1 / Server 2008 R2 and later (and on Server 2008
rem  SP2). What it writes does not depend on the display language:
rem      osidentity.txt     reg query of the OS identity values (name, version,
rem                         build, service pack, product type, architecture)
rem      hotfixes.csv       the installed updates: wmic qfe /format:csv or, where
rem                         WMIC is missing or writes nothing, Windows PowerShell
rem                         (Get-CimInstance Win32_QuickFixEngineering / Get-HotFix)
rem      systeminfo.csv     systeminfo /fo csv, only when neither could list the
rem                         updates or the registry lacked the OS identity
rem      *.reg              reg export, one file per registry key
rem      fileversions.csv   wmic datafile ... get Name,Version /format:csv, one
rem                         run per file, or PowerShell FileVersionInfo rows
rem      collect.log        what was exported and what was skipped, and why
rem  Every step checks what the tool wrote, not only its exit code: a tool that
rem  "succeeds" and writes nothing (or no header) counts as failed.
rem  Copy the folder to the controller and point tlsready_offline_path at it.
rem
rem  The keys and files below are the lists in
rem  plugins/plugin_utils/_sources/keys.py (READ_KEYS, READ_FILES); the unit test
rem  tests/unit/test_collect_cmd.py fails when the two drift apart.
rem  Copyright (c) tlsready.windows contributors
rem  GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
rem ==========================================================================

rem Variables stay local to this script. Delayed expansion stays OFF so that a
rem "!" in a folder name is taken literally.
setlocal EnableExtensions DisableDelayedExpansion

set "OUT=%~1"
if "%OUT%"=="" set "OUT=%CD%\%COMPUTERNAME%-tlsready"
if not exist "%OUT%\" mkdir "%OUT%"
if not exist "%OUT%\" goto :no_folder
set "LOG=%OUT%\collect.log"

rem --- Which Windows is this? A 32-bit cmd.exe on 64-bit Windows (for example
rem started by a 32-bit management agent) sees PROCESSOR_ARCHITECTURE=x86;
rem Windows then puts the real architecture in PROCESSOR_ARCHITEW6432.
set "ARCH=%PROCESSOR_ARCHITECTURE%"
if defined PROCESSOR_ARCHITEW6432 set "ARCH=%PROCESSOR_ARCHITEW6432%"
set "IS64=0"
if /i "%ARCH%"=="AMD64" set "IS64=1"
if /i "%ARCH%"=="ARM64" set "IS64=1"

rem --- Use the 64-bit tools when this cmd.exe is 32-bit on 64-bit Windows.
rem A 32-bit reg.exe is silently redirected to the Wow6432Node (32-bit) view of
rem HKLM\SOFTWARE and would export the wrong values. "Sysnative" exists only for
rem 32-bit programs on 64-bit Windows and points at the real System32.
set "TOOLS=%SystemRoot%\System32"
if exist "%SystemRoot%\Sysnative\reg.exe" set "TOOLS=%SystemRoot%\Sysnative"
set "REG=%TOOLS%\reg.exe"
set "WMIC=%TOOLS%\wbem\WMIC.exe"
set "PS=%TOOLS%\WindowsPowerShell\v1.0\powershell.exe"
set "FIND=%TOOLS%\find.exe"
set "VTMP=%OUT%\wmic-run.tmp"
rem PowerShell reads its output path from the environment: no quoting of paths
rem inside the -Command string.
set "TLSREADY_TMP=%VTMP%"

rem Log lines are written redirection-first: with the redirection at the end, a
rem digit just before it would be taken as a handle number (echo x 1 redirects
rem handle 1 instead of writing "1").
>"%LOG%" echo tlsready collect.cmd on %COMPUTERNAME%, %ARCH%, %DATE% %TIME%

rem "net session" needs administrator rights: a cheap elevation test. Without
rem them most keys still export, so this only warns.
net session >nul 2>&1
if not errorlevel 1 goto :elevated
>>"%LOG%" echo WARNING: not elevated; some keys may be missing from the export
echo WARNING: not running elevated; some keys may be missing. Use "Run as administrator".
:elevated

rem --- Operating system identity from the registry: reg query prints value
rem names and types untranslated in every display language.
echo Reading the OS identity from the registry...
if exist "%OUT%\osidentity.txt" del "%OUT%\osidentity.txt"
call :identity "HKLM\SYSTEM\CurrentControlSet\Control\ComputerName\ComputerName" ComputerName
call :identity "HKLM\SOFTWARE\Microsoft\Windows NT\CurrentVersion" ProductName
call :identity "HKLM\SOFTWARE\Microsoft\Windows NT\CurrentVersion" CurrentVersion
call :identity "HKLM\SOFTWARE\Microsoft\Windows NT\CurrentVersion" CurrentMajorVersionNumber
call :identity "HKLM\SOFTWARE\Microsoft\Windows NT\CurrentVersion" CurrentMinorVersionNumber
call :identity "HKLM\SOFTWARE\Microsoft\Windows NT\CurrentVersion" CurrentBuildNumber
call :identity "HKLM\SOFTWARE\Microsoft\Windows NT\CurrentVersion" CSDVersion
call :identity "HKLM\SYSTEM\CurrentControlSet\Control\ProductOptions" ProductType
call :identity "HKLM\SYSTEM\CurrentControlSet\Control\Session Manager\Environment" PROCESSOR_ARCHITECTURE
set "NEED_SYSTEMINFO=0"
if not exist "%OUT%\osidentity.txt" goto :identity_incomplete
"%FIND%" "ProductType" "%OUT%\osidentity.txt" >nul 2>&1
if errorlevel 1 goto :identity_incomplete
"%FIND%" "CurrentBuildNumber" "%OUT%\osidentity.txt" >nul 2>&1
if errorlevel 1 goto :identity_incomplete
>>"%LOG%" echo wrote osidentity.txt
goto :identity_done
:identity_incomplete
>>"%LOG%" echo FAILED: the registry did not give the whole OS identity; systeminfo will be read too
set "NEED_SYSTEMINFO=1"
:identity_done

rem --- Installed updates: wmic qfe first (never translated, never cut), then
rem Windows PowerShell. "find" on what "type" prints checks for the header:
rem type turns UTF-16 into text find can search.
echo Listing the installed updates...
if exist "%OUT%\hotfixes.csv" del "%OUT%\hotfixes.csv"
if exist "%VTMP%" del "%VTMP%"
if not exist "%WMIC%" goto :qfe_no_wmic
rem The very first WMIC run on a machine prints "Please wait while WMIC is being
rem installed": do it once here, output discarded, so it never reaches a csv.
rem "<nul": WMIC reads its standard input and can hang forever in scripts run by
rem agents or scheduled tasks unless that input is empty.
"%WMIC%" os get Caption <nul >nul 2>&1
"%WMIC%" qfe get HotFixID,InstalledOn /format:csv <nul >"%VTMP%" 2>>"%LOG%"
call :has_header "HotFixID"
if "%HEADER%"=="1" goto :qfe_wmic_done
rem On Windows 7 / 2008 R2 with a non-English system locale, /format:csv fails
rem with "Invalid XSL format (or) file name": name the en-US stylesheet instead.
"%WMIC%" qfe get HotFixID,InstalledOn /format:"%SystemRoot%\System32\wbem\en-US\csv" <nul >"%VTMP%" 2>>"%LOG%"
call :has_header "HotFixID"
if "%HEADER%"=="1" goto :qfe_wmic_done
>>"%LOG%" echo FAILED: wmic qfe wrote no update list
goto :qfe_powershell
:qfe_no_wmic
>>"%LOG%" echo skipped wmic qfe: WMIC.exe is not installed
goto :qfe_powershell
:qfe_wmic_done
move /y "%VTMP%" "%OUT%\hotfixes.csv" >nul
>>"%LOG%" echo wrote hotfixes.csv with wmic qfe
goto :qfe_done
:qfe_powershell
if not exist "%PS%" goto :qfe_no_powershell
rem Get-CimInstance needs PowerShell 3.0; Windows 7 without WMF has 2.0 and
rem Get-HotFix. Both read Win32_QuickFixEngineering.
"%PS%" -NoProfile -NonInteractive -Command "$ErrorActionPreference = 'Stop'; if (Get-Command -Name Get-CimInstance -ErrorAction SilentlyContinue) { $q = Get-CimInstance -ClassName Win32_QuickFixEngineering } else { $q = Get-HotFix }; $q | Select-Object -Property CSName,Description,HotFixID,InstalledBy,InstalledOn | ConvertTo-Csv -NoTypeInformation | Out-File -FilePath $env:TLSREADY_TMP -Encoding Unicode" <nul >nul 2>>"%LOG%"
call :has_header "HotFixID"
if "%HEADER%"=="1" goto :qfe_powershell_done
>>"%LOG%" echo FAILED: PowerShell wrote no update list
goto :qfe_failed
:qfe_no_powershell
>>"%LOG%" echo skipped PowerShell: powershell.exe is not installed
goto :qfe_failed
:qfe_powershell_done
move /y "%VTMP%" "%OUT%\hotfixes.csv" >nul
>>"%LOG%" echo wrote hotfixes.csv with PowerShell
goto :qfe_done
:qfe_failed
set "NEED_SYSTEMINFO=1"
:qfe_done
if exist "%VTMP%" del "%VTMP%"

rem --- systeminfo, the last resort: its labels follow the display language and
rem its update list can be cut; tlsready reads it only for what is missing above.
if exist "%OUT%\systeminfo.csv" del "%OUT%\systeminfo.csv"
if not "%NEED_SYSTEMINFO%"=="1" goto :systeminfo_done
echo Collecting systeminfo (this can take a minute)...
rem Plain goto instead of ( ) blocks throughout: a ")" inside an expanded path
rem (C:\Program Files (x86)\...) would end a block early.
"%TOOLS%\systeminfo.exe" /fo csv >"%OUT%\systeminfo.csv" 2>>"%LOG%"
if errorlevel 1 goto :systeminfo_failed
set "SIZE=0"
for %%A in ("%OUT%\systeminfo.csv") do set "SIZE=%%~zA"
if "%SIZE%"=="0" goto :systeminfo_empty
>>"%LOG%" echo wrote systeminfo.csv
goto :systeminfo_done
:systeminfo_empty
>>"%LOG%" echo FAILED: systeminfo wrote nothing
del "%OUT%\systeminfo.csv"
goto :systeminfo_done
:systeminfo_failed
>>"%LOG%" echo FAILED: systeminfo returned an error
if exist "%OUT%\systeminfo.csv" del "%OUT%\systeminfo.csv"
:systeminfo_done

rem --- Registry: one "reg export" per key, one file per key. reg export always
rem includes the subkeys. Third argument: all = every Windows, x64 = only on
rem 64-bit Windows (the Wow6432Node keys do not exist on 32-bit Windows).
echo Exporting registry keys...
call :export "HKLM\SYSTEM\CurrentControlSet\Control\SecurityProviders\SCHANNEL" schannel.reg all
call :export "HKLM\SOFTWARE\Microsoft\Windows\CurrentVersion\Internet Settings\WinHttp" winhttp.reg all
call :export "HKLM\SOFTWARE\Wow6432Node\Microsoft\Windows\CurrentVersion\Internet Settings\WinHttp" winhttp-wow64.reg x64
call :export "HKLM\SOFTWARE\Microsoft\Windows\CurrentVersion\Internet Settings" wininet.reg all
call :export "HKLM\SOFTWARE\Policies\Microsoft\Windows\CurrentVersion\Internet Settings" wininet-policy.reg all
call :export "HKLM\SOFTWARE\Microsoft\.NETFramework\v4.0.30319" dotnet4.reg all
call :export "HKLM\SOFTWARE\Wow6432Node\Microsoft\.NETFramework\v4.0.30319" dotnet4-wow64.reg x64
call :export "HKLM\SOFTWARE\Microsoft\.NETFramework\v2.0.50727" dotnet2.reg all
call :export "HKLM\SOFTWARE\Wow6432Node\Microsoft\.NETFramework\v2.0.50727" dotnet2-wow64.reg x64
call :export "HKLM\SOFTWARE\Microsoft\NET Framework Setup\NDP" ndp-setup.reg all
call :export "HKLM\SOFTWARE\Policies\Microsoft\Cryptography\Configuration\SSL\00010002" cipher-policy.reg all
call :export "HKLM\SYSTEM\CurrentControlSet\Control\Cryptography\Configuration\Local\SSL\00010002" cipher-local.reg all
call :export "HKLM\SYSTEM\CurrentControlSet\Control\Lsa\FipsAlgorithmPolicy" fips-policy.reg all
call :export "HKLM\SOFTWARE\Microsoft\Microsoft SQL Server\Instance Names\SQL" sql-instances.reg all
call :export "HKLM\SOFTWARE\Microsoft\Update Services\Server\Setup" wsus-setup.reg all

rem --- File versions: the evidence that an update is installed even when a
rem later rollup replaced its entry in the update list.
echo Reading file versions...
if exist "%OUT%\fileversions.csv" del "%OUT%\fileversions.csv"
rem WMIC is an optional feature on new Windows 11 builds: without it (or when it
rem writes nothing) Windows PowerShell reads the version of each file.
call :version "%SystemRoot%\System32\winhttp.dll"
call :version "%SystemRoot%\System32\webio.dll"
call :version "%SystemRoot%\System32\schannel.dll"
call :version "%SystemRoot%\SysWOW64\winhttp.dll"
if exist "%VTMP%" del "%VTMP%"

>>"%LOG%" echo done
echo Done. Copy this folder to the Ansible controller: "%OUT%"
endlocal
exit /b 0

:no_folder
echo ERROR: cannot create the output folder "%OUT%"
endlocal
exit /b 2


rem ==========================================================================
rem :export KEY FILE SCOPE - export KEY to FILE in the output folder, or log why
rem not. SCOPE is "all" or "x64" (64-bit Windows only).
rem ==========================================================================
rem ==========================================================================
rem :identity KEY VALUE - append "reg query KEY /v VALUE" to osidentity.txt.
rem A value that does not exist (CurrentMajorVersionNumber before Windows 10,
rem CSDVersion without a service pack) is only logged.
rem ==========================================================================
:identity
rem Through a temporary file, appended only on success: Wine's reg.exe prints
rem its "not found" message on standard output (Windows' on standard error).
"%REG%" query "%~1" /v %2 >"%VTMP%" 2>nul
if errorlevel 1 goto :identity_missing
type "%VTMP%" >>"%OUT%\osidentity.txt"
goto :eof
:identity_missing
>>"%LOG%" echo skipped %~1 %2: value not found
goto :eof


rem ==========================================================================
rem :has_header NAME - HEADER=1 when the tool output in VTMP holds NAME.
rem Catches a tool that exits 0 and writes nothing or only an error.
rem ==========================================================================
:has_header
set "HEADER=0"
if not exist "%VTMP%" goto :eof
type "%VTMP%" | "%FIND%" "%~1" >nul 2>&1
if not errorlevel 1 set "HEADER=1"
goto :eof


:export
rem A file left by an earlier run must not outlive a key that is gone now.
if exist "%OUT%\%~2" del "%OUT%\%~2"
if /i not "%~3"=="x64" goto :export_query
if "%IS64%"=="1" goto :export_query
>>"%LOG%" echo skipped %~1: no 32-bit registry view on 32-bit Windows
goto :eof
:export_query
rem "reg query" without /s only lists one level: a quick existence test.
"%REG%" query "%~1" >nul 2>&1
if not errorlevel 1 goto :export_run
>>"%LOG%" echo skipped %~1: key not found
goto :eof
:export_run
rem /y overwrites a file left by an earlier run instead of asking.
"%REG%" export "%~1" "%OUT%\%~2" /y >nul 2>>"%LOG%"
if errorlevel 1 goto :export_failed
>>"%LOG%" echo exported %~1 to %~2
goto :eof
:export_failed
>>"%LOG%" echo FAILED: reg export %~1 returned an error
goto :eof


rem ==========================================================================
rem :version PATH - append the wmic Name,Version row of PATH to fileversions.csv.
rem ==========================================================================
:version
set "VF=%~1"
rem "if exist" in a 32-bit cmd.exe on 64-bit Windows looks in SysWOW64 when
rem asked for System32, so test the real System32 through Sysnative.
set "VX=%VF%"
if exist "%SystemRoot%\Sysnative\reg.exe" set "VX=%VF:\System32\=\Sysnative\%"
if exist "%VX%" goto :version_query
>>"%LOG%" echo skipped %VF%: file not found
goto :eof
:version_query
rem WQL string literals need every backslash doubled: C:\\Windows\\System32\\...
set "VQ=%VF:\=\\%"
rem Each run goes to a temporary file first: it is appended only once it holds
rem the "Node,Name,Version" header, so a failed run leaves no garbage behind.
if exist "%VTMP%" del "%VTMP%"
if not exist "%WMIC%" goto :version_powershell
"%WMIC%" datafile where "name='%VQ%'" get Name,Version /format:csv <nul >"%VTMP%" 2>>"%LOG%"
call :has_header "Node,"
if "%HEADER%"=="1" goto :version_append
"%WMIC%" datafile where "name='%VQ%'" get Name,Version /format:"%SystemRoot%\System32\wbem\en-US\csv" <nul >"%VTMP%" 2>>"%LOG%"
call :has_header "Node,"
if "%HEADER%"=="1" goto :version_append
>>"%LOG%" echo FAILED: wmic could not read the version of %VF%
:version_powershell
if not exist "%PS%" goto :version_failed
rem The same Node,Name,Version rows as wmic, from the file's version resource.
set "TLSREADY_FILE=%VF%"
"%PS%" -NoProfile -NonInteractive -Command "$ErrorActionPreference = 'Stop'; $p = $env:TLSREADY_FILE; $v = [Diagnostics.FileVersionInfo]::GetVersionInfo($p); @('Node,Name,Version', ('{0},{1},{2}.{3}.{4}.{5}' -f $env:COMPUTERNAME, $p, $v.FileMajorPart, $v.FileMinorPart, $v.FileBuildPart, $v.FilePrivatePart)) | Out-File -FilePath $env:TLSREADY_TMP -Encoding Unicode" <nul >nul 2>>"%LOG%"
call :has_header "Node,"
if "%HEADER%"=="1" goto :version_append
>>"%LOG%" echo FAILED: PowerShell could not read the version of %VF%
:version_failed
>>"%LOG%" echo FAILED: could not read the version of %VF%
goto :eof
:version_append
rem copy /b joins the bytes unchanged: each run keeps its own UTF-16 byte order
rem mark, exactly as appending wmic's output to the csv would. The join goes to a
rem new file that then replaces the csv (copy will not write onto its source).
if not exist "%OUT%\fileversions.csv" goto :version_first
copy /b "%OUT%\fileversions.csv" + "%VTMP%" "%OUT%\fileversions.new" >nul
move /y "%OUT%\fileversions.new" "%OUT%\fileversions.csv" >nul
goto :version_logged
:version_first
copy /b "%VTMP%" "%OUT%\fileversions.csv" >nul
:version_logged
>>"%LOG%" echo read the version of %VF%
goto :eof
