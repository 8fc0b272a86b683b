#!powershell

# Copyright (c) tlsready.windows contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

#AnsibleRequires -CSharpUtil Ansible.Basic

# Writes (or deletes) a list of HKLM values in one call, in the 64-bit view, in order, stopping at
# the first failure. Each value's outcome is returned, so the caller knows exactly what changed.
# Written for Windows PowerShell 3.0 (.NET 4.0) and later: no classes, no ::new().

Set-StrictMode -Version 2.0
$ErrorActionPreference = 'Stop'

$spec = @{
    options = @{
        values = @{
            type = 'list'
            elements = 'dict'
            required = $true
            options = @{
                path = @{ type = 'str'; required = $true }
                name = @{ type = 'str'; required = $true }
                type = @{ type = 'str'; default = 'dword'; choices = 'dword', 'qword', 'sz', 'expand_sz', 'multi_sz', 'binary', 'none' }
                data = @{ type = 'raw' }
                state = @{ type = 'str'; default = 'present'; choices = 'present', 'absent' }
            }
        }
    }
    supports_check_mode = $true
}
$module = [Ansible.Basic.AnsibleModule]::Create($args, $spec)
# Indexers, not .values: on a dictionary, .Values is the property of that name.
$module.Result['values'] = New-Object -TypeName 'System.Collections.Generic.List[object]'

if ([Environment]::Is64BitOperatingSystem -and -not [Environment]::Is64BitProcess) {
    $module.FailJson('Nothing was changed: this is a 32-bit PowerShell on 64-bit Windows. Connect to the 64-bit endpoint (the default Microsoft.PowerShell configuration, not Microsoft.PowerShell32).')
}

# The 64-bit view even when redirected; on a 32-bit OS it is the only view.
$hklm = [Microsoft.Win32.RegistryKey]::OpenBaseKey(
    [Microsoft.Win32.RegistryHive]::LocalMachine, [Microsoft.Win32.RegistryView]::Registry64)
$kinds = @{
    dword = [Microsoft.Win32.RegistryValueKind]::DWord
    qword = [Microsoft.Win32.RegistryValueKind]::QWord
    sz = [Microsoft.Win32.RegistryValueKind]::String
    expand_sz = [Microsoft.Win32.RegistryValueKind]::ExpandString
    multi_sz = [Microsoft.Win32.RegistryValueKind]::MultiString
    binary = [Microsoft.Win32.RegistryValueKind]::Binary
    none = [Microsoft.Win32.RegistryValueKind]::None
}

Function ConvertFrom-Hex([string]$Text) {
    $bytes = New-Object -TypeName 'byte[]' -ArgumentList ($Text.Length / 2)
    for ($i = 0; $i -lt $bytes.Length; $i++) { $bytes[$i] = [Convert]::ToByte($Text.Substring($i * 2, 2), 16) }
    return , $bytes
}

# The .NET data to write: REG_DWORD/REG_QWORD take the signed type of the same bits.
Function ConvertTo-RegistryData([string]$Type, $Data) {
    switch ($Type) {
        'dword' { return [BitConverter]::ToInt32([BitConverter]::GetBytes([uint32]$Data), 0) }
        'qword' { return [BitConverter]::ToInt64([BitConverter]::GetBytes([uint64]$Data), 0) }
        'multi_sz' { return , [string[]]@($Data | Where-Object { $null -ne $_ }) }
        'binary' { return , (ConvertFrom-Hex ([string]$Data)) }
        'none' { return , (ConvertFrom-Hex ([string]$Data)) }
        default { return [string]$Data }
    }
}

# Returns @{ type; data } as win_tls_read reports it, or $null when the value is absent.
Function Get-CurrentValue($Key, [string]$Name) {
    if ($null -eq $Key -or -not ($Key.GetValueNames() -contains $Name)) { return $null }
    $kind = $Key.GetValueKind($Name)
    $data = $Key.GetValue($Name, $null, [Microsoft.Win32.RegistryValueOptions]::DoNotExpandEnvironmentNames)
    $type = $null
    foreach ($pair in $kinds.GetEnumerator()) { if ($pair.Value -eq $kind) { $type = $pair.Key } }
    if ($null -eq $type) { return @{ type = "unknown ($kind)"; data = $null } }
    if ($type -eq 'dword') { $data = [BitConverter]::ToUInt32([BitConverter]::GetBytes([int32]$data), 0) }
    elseif ($type -eq 'qword') { $data = [BitConverter]::ToUInt64([BitConverter]::GetBytes([int64]$data), 0) }
    elseif ($type -eq 'multi_sz') { $data = [string[]]$data }
    elseif ($type -in 'binary', 'none') {
        $data = if ($null -eq $data) { '' } else { [BitConverter]::ToString([byte[]]$data).Replace('-', '').ToLowerInvariant() }
    }
    return @{ type = $type; data = $data }
}

Function Test-SameValue($Current, [string]$Type, $Data) {
    if ($null -eq $Current -or $Current.type -ne $Type) { return $false }
    if ($Type -eq 'multi_sz') {
        $wanted = [string[]]@($Data | Where-Object { $null -ne $_ })
        return (($Current.data -join "`0") -ceq ($wanted -join "`0")) -and $Current.data.Count -eq $wanted.Count
    }
    if ($Type -in 'binary', 'none') { return $Current.data -eq ([string]$Data).ToLowerInvariant() }
    return "$($Current.data)" -ceq "$Data"
}

$before = New-Object -TypeName 'System.Text.StringBuilder'
$after = New-Object -TypeName 'System.Text.StringBuilder'
foreach ($entry in $module.Params['values']) {
    $path = $entry.path
    $outcome = @{ path = $path; name = $entry.name; before = $null; result = 'unchanged' }
    $module.Result['values'].Add($outcome)
    if (-not $path.StartsWith('HKLM\', [StringComparison]::OrdinalIgnoreCase)) {
        $outcome.result = 'failed'
        $module.FailJson("values: every path must start with 'HKLM\', got '$path'")
    }
    $subKey = $path.Substring('HKLM\'.Length)
    $key = $null
    try {
        $key = $hklm.OpenSubKey($subKey, $true)
        $current = Get-CurrentValue -Key $key -Name $entry.name
        $outcome.before = $current
        $absent = $entry.state -eq 'absent'
        $same = if ($absent) { $null -eq $current } else { Test-SameValue $current $entry.type $entry.data }
        if (-not $same) {
            $outcome.result = 'changed'
            $module.Result.changed = $true
            $null = $before.AppendLine("$path\$($entry.name) = $(if ($null -eq $current) { '(absent)' } else { "$($current.type):$($current.data)" })")
            $null = $after.AppendLine("$path\$($entry.name) = $(if ($absent) { '(absent)' } else { "$($entry.type):$($entry.data)" })")
            if (-not $module.CheckMode) {
                if ($absent) {
                    $key.DeleteValue($entry.name, $false)
                }
                else {
                    if ($null -eq $key) { $key = $hklm.CreateSubKey($subKey) }
                    $key.SetValue($entry.name, (ConvertTo-RegistryData $entry.type $entry.data), $kinds[$entry.type])
                }
            }
        }
    }
    catch {
        $outcome.result = 'failed'
        $module.Result.changed = @($module.Result['values'] | Where-Object { $_.result -eq 'changed' }).Count -gt 0
        $module.FailJson("Writing $path\$($entry.name) failed: $($_.Exception.Message)", $_)
    }
    finally {
        if ($null -ne $key) { $key.Close(); $key = $null }
    }
}
if ($module.Result.changed) {
    $module.Diff.before = $before.ToString()
    $module.Diff.after = $after.ToString()
}
$module.ExitJson()
