#!powershell

# Copyright (c) tlsready.windows contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

#AnsibleRequires -CSharpUtil Ansible.Basic

# Read-only. Returns raw facts; the tlsready.windows action plugins judge them.
# Written for Windows PowerShell 3.0 (.NET 4.0) and later, PowerShell 7 included:
# no classes, no ::new(), no ConvertTo-Json (Ansible.Basic serialises the result).

Set-StrictMode -Version 2.0
$ErrorActionPreference = 'Stop'

$spec = @{
    options = @{
        keys = @{
            type = 'list'
            elements = 'dict'
            required = $true
            options = @{
                path = @{ type = 'str'; required = $true }
                recursive = @{ type = 'bool'; default = $false }
                x64_only = @{ type = 'bool'; default = $false }
            }
        }
        files = @{ type = 'list'; elements = 'str'; default = @() }
    }
    supports_check_mode = $true
}
$module = [Ansible.Basic.AnsibleModule]::Create($args, $spec)

$is64BitOs = [Environment]::Is64BitOperatingSystem
$registry = New-Object -TypeName 'System.Collections.Generic.List[object]'
$missingKeys = New-Object -TypeName 'System.Collections.Generic.List[string]'
$problems = New-Object -TypeName 'System.Collections.Generic.List[string]'

# The 64-bit view even when this PowerShell is 32-bit, so that SOFTWARE\Microsoft is not
# silently redirected to SOFTWARE\Wow6432Node. On a 32-bit OS it is the only view.
$hklm = [Microsoft.Win32.RegistryKey]::OpenBaseKey(
    [Microsoft.Win32.RegistryHive]::LocalMachine, [Microsoft.Win32.RegistryView]::Registry64)

Function ConvertTo-Hex([byte[]]$Bytes) {
    if ($null -eq $Bytes) { return '' }
    return [BitConverter]::ToString($Bytes).Replace('-', '').ToLowerInvariant()
}

Function Add-RegistryValue($Key, [string]$KeyPath, [string]$Name) {
    $kind = $Key.GetValueKind($Name).ToString()
    $data = $Key.GetValue($Name, $null, [Microsoft.Win32.RegistryValueOptions]::DoNotExpandEnvironmentNames)
    switch ($kind) {
        # .NET returns REG_DWORD/REG_QWORD signed; the bytes are reinterpreted, not converted.
        # .NET returns a value of another size as another type (long, byte[]): reported, never cast.
        'DWord' { if ($data -isnot [int]) { $problems.Add("$KeyPath\$Name (REG_DWORD of unusual size)"); return }; $type = 'dword'; $data = [BitConverter]::ToUInt32([BitConverter]::GetBytes([int32]$data), 0) }
        'QWord' { if ($data -isnot [long]) { $problems.Add("$KeyPath\$Name (REG_QWORD of unusual size)"); return }; $type = 'qword'; $data = [BitConverter]::ToUInt64([BitConverter]::GetBytes([int64]$data), 0) }
        'String' { $type = 'sz' }
        'ExpandString' { $type = 'expand_sz' }
        'MultiString' { $type = 'multi_sz'; $data = [string[]]$data }
        'Binary' { $type = 'binary'; $data = ConvertTo-Hex $data }
        'None' { $type = 'none'; $data = ConvertTo-Hex $data }
        default {
            $problems.Add("$KeyPath\$Name (unknown value kind $kind, not read)")
            return
        }
    }
    $registry.Add(@{ path = $KeyPath; name = $Name; type = $type; data = $data })
}

# Returns $true when the key exists; values (and subkeys when -Recursive) go to $registry.
Function Read-RegistryKey([string]$Path, [bool]$Recursive) {
    try {
        $key = $hklm.OpenSubKey($Path.Substring('HKLM\'.Length), $false)
    }
    catch [System.Security.SecurityException] {
        $problems.Add("$Path (access denied)")
        return $true
    }
    if ($null -eq $key) { return $false }
    try {
        foreach ($name in $key.GetValueNames()) {
            Add-RegistryValue -Key $key -KeyPath $Path -Name $name
        }
        if ($Recursive) {
            foreach ($child in $key.GetSubKeyNames()) {
                $null = Read-RegistryKey -Path "$Path\$child" -Recursive $true
            }
        }
    }
    finally {
        $key.Close()
    }
    return $true
}

Function Get-HotfixId {
    # CIM first (PowerShell 3.0 and later, 7 included); Get-WmiObject, Windows PowerShell
    # only, when CIM fails. A broken WMI repository makes both throw.
    try {
        # A hung WMI provider must not hang the read: CIM gives up after two minutes.
        $entries = @(Get-CimInstance -ClassName Win32_QuickFixEngineering -OperationTimeoutSec 120 -ErrorAction Stop)
    }
    catch {
        if (-not (Get-Command -Name Get-WmiObject -ErrorAction SilentlyContinue)) { throw }
        $entries = @(Get-WmiObject -Class Win32_QuickFixEngineering -ErrorAction Stop)
    }
    return @($entries | ForEach-Object { $_.HotFixID } | Where-Object { $_ })
}

Function Get-MachineValue([string]$SubKey, [string]$Name) {
    try { $key = $hklm.OpenSubKey($SubKey, $false) }
    catch [System.Security.SecurityException] { $problems.Add("HKLM\$SubKey (access denied)"); return $null }
    if ($null -eq $key) { return $null }
    try { return $key.GetValue($Name, $null) } finally { $key.Close() }
}

Function Test-MachineKey([string]$SubKey) {
    try { $key = $hklm.OpenSubKey($SubKey, $false) }
    catch [System.Security.SecurityException] { $problems.Add("HKLM\$SubKey (access denied)"); return $false }
    if ($null -eq $key) { return $false }
    $key.Close()
    return $true
}

# An indexer, not .keys: on a dictionary, .Keys could be read as the property of that name.
foreach ($entry in $module.Params['keys']) {
    $path = $entry.path
    if (-not $path.StartsWith('HKLM\', [StringComparison]::OrdinalIgnoreCase)) {
        $module.FailJson("keys: every path must start with 'HKLM\', got '$path'")
    }
    if ($entry.x64_only -and -not $is64BitOs) { continue }
    if (-not (Read-RegistryKey -Path $path -Recursive $entry.recursive)) {
        $missingKeys.Add($path)
    }
}

$files = @{}
foreach ($name in $module.Params['files']) {
    $path = [Environment]::ExpandEnvironmentVariables($name)
    $lookup = $path
    if ($is64BitOs -and -not [Environment]::Is64BitProcess) {
        # A 32-bit process sees SysWOW64 under the name System32; Sysnative is the real one.
        $lookup = $path -replace '\\System32\\', '\Sysnative\'
    }
    $version = $null
    if (Test-Path -LiteralPath $lookup -PathType Leaf) {
        $info = [System.Diagnostics.FileVersionInfo]::GetVersionInfo($lookup)
        $version = '{0}.{1}.{2}.{3}' -f $info.FileMajorPart, $info.FileMinorPart, $info.FileBuildPart, $info.FilePrivatePart
    }
    $files[$name] = @{ path = $path; version = $version }
}

try {
    $hotfixes = @(Get-HotfixId)
}
catch {
    $hotfixes = @()
    $problems.Add("the installed updates list (Win32_QuickFixEngineering: $($_.Exception.Message))")
}

$currentVersion = 'SOFTWARE\Microsoft\Windows NT\CurrentVersion'
$major = Get-MachineValue $currentVersion 'CurrentMajorVersionNumber'
if ($null -ne $major) {
    # Windows 10 and later; their CurrentVersion value stays at 6.3.
    $version = '{0}.{1}.{2}' -f $major, (Get-MachineValue $currentVersion 'CurrentMinorVersionNumber'), (Get-MachineValue $currentVersion 'CurrentBuildNumber')
}
else {
    $version = '{0}.{1}' -f (Get-MachineValue $currentVersion 'CurrentVersion'), (Get-MachineValue $currentVersion 'CurrentBuildNumber')
}
if ($version -notmatch '^\d+\.\d+\.\d+$') {
    $module.FailJson("could not read the Windows version from HKLM\$currentVersion (got '$version')")
}

$rebootKeys = @(
    'SOFTWARE\Microsoft\Windows\CurrentVersion\Component Based Servicing\RebootPending',
    'SOFTWARE\Microsoft\Windows\CurrentVersion\WindowsUpdate\Auto Update\RebootRequired'
)
$rebootPendingKeys = @($rebootKeys | Where-Object { Test-MachineKey $_ } | ForEach-Object { "HKLM\$_" })

$module.Result.os = @{
    caption = Get-MachineValue $currentVersion 'ProductName'
    version = $version
    # CSDVersion here is a DWORD: the service pack number in its high byte (0x100 = SP1).
    csd_version = Get-MachineValue 'SYSTEM\CurrentControlSet\Control\Windows' 'CSDVersion'
    product_type = Get-MachineValue 'SYSTEM\CurrentControlSet\Control\ProductOptions' 'ProductType'
    processor_architecture = Get-MachineValue 'SYSTEM\CurrentControlSet\Control\Session Manager\Environment' 'PROCESSOR_ARCHITECTURE'
    hostname = [Environment]::MachineName
    powershell_version = $PSVersionTable.PSVersion.ToString()
}
$module.Result.hotfixes = $hotfixes
$module.Result.files = $files
$module.Result.registry = $registry
$module.Result.missing_keys = $missingKeys
$module.Result.reboot_pending_keys = $rebootPendingKeys
$module.Result.problems = $problems
$module.ExitJson()
