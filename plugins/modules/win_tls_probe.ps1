#!powershell

# Copyright (c) tlsready.windows contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

#AnsibleRequires -CSharpUtil Ansible.Basic

# Read-only. Tries one TLS connection per endpoint and stack, the way each stack's ordinary
# clients connect, and returns what happened with the raw error codes; the tlsready.windows
# action plugins classify them (docs/reference/probe.md gives the sources).
# Written for Windows PowerShell 3.0 (.NET 4.0) and later, PowerShell 7 included:
# no classes, no ::new(), no ConvertTo-Json (Ansible.Basic serialises the result).

Set-StrictMode -Version 2.0
$ErrorActionPreference = 'Stop'

$spec = @{
    options = @{
        endpoints = @{
            type = 'list'
            elements = 'dict'
            required = $true
            options = @{
                host = @{ type = 'str'; required = $true }
                port = @{ type = 'int'; default = 443 }
            }
        }
        stacks = @{ type = 'list'; elements = 'str'; default = @('winhttp', 'dotnet', 'schannel'); choices = @('winhttp', 'dotnet', 'schannel') }
        timeout_ms = @{ type = 'int'; default = 10000 }
    }
    supports_check_mode = $true
}
$module = [Ansible.Basic.AnsibleModule]::Create($args, $spec)

$timeout = $module.Params['timeout_ms']
if ($timeout -lt 1000 -or $timeout -gt 120000) {
    $module.FailJson("timeout_ms must be 1000 to 120000, got $timeout")
}
$results = New-Object -TypeName 'System.Collections.Generic.List[object]'

# Walks the exception chain (a .NET call from PowerShell wraps the real error in a
# MethodInvocationException) for the messages, the first Windows error code and a status name.
Function Get-ProbeError($Exception) {
    $messages = New-Object -TypeName 'System.Collections.Generic.List[string]'
    $code = $null
    $status = $null
    $current = $Exception
    $last = $null
    while ($null -ne $current) {
        if (-not $messages.Contains($current.Message)) { $messages.Add($current.Message) }
        if ($null -eq $code) {
            # Win32Exception (SocketException derives from it) keeps the real code in NativeErrorCode;
            # its ErrorCode is the generic E_FAIL. COMException keeps the HRESULT in ErrorCode.
            if ($current -is [System.ComponentModel.Win32Exception]) { $code = $current.NativeErrorCode }
            elseif ($current -is [System.Runtime.InteropServices.ExternalException]) { $code = $current.ErrorCode }
        }
        # The outermost status wins: WebException's Status, else a socket error, else the handshake failure.
        if ($null -eq $status) {
            if ($current -is [System.Net.WebException]) { $status = $current.Status.ToString() }
            elseif ($current -is [System.Net.Sockets.SocketException]) { $status = $current.SocketErrorCode.ToString() }
            elseif ($current -is [System.Security.Authentication.AuthenticationException]) { $status = 'AuthenticationException' }
        }
        $last = $current
        $current = $current.InnerException
    }
    # An IOException alone: the server closed the connection during the handshake.
    if ($null -eq $status -and $last -is [System.IO.IOException]) { $status = 'IOException' }
    return @{ error = ($messages -join ' -> '); error_code = $code; error_status = $status }
}

Function New-ProbeResult([string]$Endpoint, [string]$Stack) {
    return @{
        endpoint = $Endpoint; stack = $Stack; success = $false; protocol = $null; cipher = $null
        http_status = $null; offered = $null; error = $null; error_code = $null; error_status = $null; elapsed_ms = $null
    }
}

# WinHTTP through its COM object, as scripts and Office macros use it: nothing is set but the
# timeouts, so WinHTTP offers its default secure protocols (DefaultSecureProtocols, KB3140245).
# The COM object does not report the negotiated protocol or cipher suite.
Function Test-WinHttp([string]$HostName, [int]$Port, $Result) {
    $request = New-Object -ComObject 'WinHttp.WinHttpRequest.5.1'
    # Resolve, connect, send and receive timeouts, in milliseconds.
    $request.SetTimeouts($timeout, $timeout, $timeout, $timeout)
    # Synchronous (third argument false): Send returns when the response has come or throws.
    $request.Open('HEAD', "https://${HostName}:$Port/", $false)
    # Option 9 is WinHttpRequestOption_SecureProtocols, read once the request exists:
    # reported as seen, never set. A failure to read it is not a failure of the probe.
    try { $Result.offered = '0x{0:X}' -f [int]$request.Option(9) } catch { $Result.offered = $null }
    $request.Send()
    # Any HTTP status, 4xx included, means the TLS handshake succeeded.
    $Result.http_status = [int]$request.Status
    $Result.success = $true
}

# .NET Framework as Windows PowerShell's own Invoke-WebRequest uses it: HttpWebRequest with the
# process defaults of ServicePointManager (SchUseStrongCrypto, SystemDefaultTlsVersions), which
# this module never changes. HttpWebRequest does not report the negotiated protocol.
Function Test-DotNet([string]$HostName, [int]$Port, $Result) {
    if ($PSVersionTable.ContainsKey('PSEdition') -and $PSVersionTable.PSEdition -eq 'Core') {
        # PowerShell 7 runs on .NET, not .NET Framework: its defaults are not the ones probed here.
        $Result.error = "this module ran in PowerShell $($PSVersionTable.PSVersion) on .NET, not .NET Framework"
        $Result.error_status = 'NotNetFramework'
        return
    }
    $Result.offered = [System.Net.ServicePointManager]::SecurityProtocol.ToString()
    # An HttpWebRequest for https; the proxy is the account's default (Internet Options), as for any caller.
    $request = [System.Net.WebRequest]::Create("https://${HostName}:$Port/")
    $request.Method = 'HEAD'
    $request.Timeout = $timeout
    $request.ReadWriteTimeout = $timeout
    # A new connection each time, so no pooled connection of an earlier attempt is reused.
    $request.KeepAlive = $false
    $request.AllowAutoRedirect = $false
    try {
        $response = $request.GetResponse()
    }
    catch {
        # A protocol error (a WebException with the server's HTTP response) means the handshake
        # succeeded. PowerShell wraps it in a MethodInvocationException: look down the chain.
        $webError = $_.Exception
        while ($null -ne $webError -and -not ($webError -is [System.Net.WebException])) { $webError = $webError.InnerException }
        if ($null -eq $webError -or $null -eq $webError.Response) { throw }
        $response = $webError.Response
    }
    try { $Result.http_status = [int]$response.StatusCode } finally { $response.Close() }
    $Result.success = $true
}

# Schannel directly: a TCP connection and SslStream asking for TLS 1.2 explicitly, which
# Schannel allows when the TLS 1.2 client is enabled, whatever DisabledByDefault says.
Function Test-Schannel([string]$HostName, [int]$Port, $Result) {
    $Result.offered = 'Tls12'
    # An IPv4 socket; the name is resolved by BeginConnect, and a DNS failure surfaces in EndConnect.
    $client = New-Object -TypeName System.Net.Sockets.TcpClient
    try {
        $pending = $client.BeginConnect($HostName, $Port, $null, $null)
        if (-not $pending.AsyncWaitHandle.WaitOne($timeout)) {
            $Result.error = "no TCP connection to ${HostName}:$Port within $timeout ms"
            $Result.error_status = 'TimedOut'
            return
        }
        $client.EndConnect($pending)
        # The synchronous handshake reads and writes the socket: these bound it.
        $client.ReceiveTimeout = $timeout
        $client.SendTimeout = $timeout
        # The certificate is validated as usual; the callback only records why it was refused.
        $seen = @{ policy = 'None' }
        $callback = [System.Net.Security.RemoteCertificateValidationCallback] {
            param($source, $certificate, $chain, $policyErrors)
            $seen.policy = $policyErrors.ToString()
            return $policyErrors -eq [System.Net.Security.SslPolicyErrors]::None
        }
        $network = $client.GetStream()
        # leaveInnerStreamOpen false: disposing the SslStream closes the connection.
        $stream = New-Object -TypeName System.Net.Security.SslStream -ArgumentList $network, $false, $callback
        try {
            try {
                # Target name (SNI and certificate name), no client certificate, TLS 1.2 only, no revocation check.
                $stream.AuthenticateAsClient($HostName, $null, [System.Security.Authentication.SslProtocols]::Tls12, $false)
            }
            catch {
                if ($seen.policy -ne 'None') {
                    $found = Get-ProbeError $_.Exception
                    $Result.error = $found.error
                    $Result.error_status = $seen.policy
                    return
                }
                throw
            }
            $Result.protocol = $stream.SslProtocol.ToString()
            # .NET Framework names the algorithms, not the suite; ECDHE shows as the number 44550.
            $Result.cipher = '{0} {1}-bit, {2}, key exchange {3}' -f $stream.CipherAlgorithm, $stream.CipherStrength, $stream.HashAlgorithm, $stream.KeyExchangeAlgorithm
            $Result.success = $true
        }
        finally { $stream.Dispose() }
    }
    finally { $client.Close() }
}

foreach ($endpoint in $module.Params['endpoints']) {
    $hostName = $endpoint['host']
    $port = $endpoint['port']
    if ($hostName -notmatch '^[A-Za-z0-9.-]+$' -or $port -lt 1 -or $port -gt 65535) {
        $module.FailJson("endpoints: '${hostName}:$port' is not a DNS name (or IPv4 address) and port 1-65535")
    }
    foreach ($stack in $module.Params['stacks']) {
        $result = New-ProbeResult -Endpoint "${hostName}:$port" -Stack $stack
        $watch = [System.Diagnostics.Stopwatch]::StartNew()
        try {
            switch ($stack) {
                'winhttp' { Test-WinHttp -HostName $hostName -Port $port -Result $result }
                'dotnet' { Test-DotNet -HostName $hostName -Port $port -Result $result }
                'schannel' { Test-Schannel -HostName $hostName -Port $port -Result $result }
            }
        }
        catch {
            $found = Get-ProbeError $_.Exception
            $result.error = $found.error
            $result.error_code = $found.error_code
            $result.error_status = $found.error_status
        }
        $result.elapsed_ms = [int]$watch.ElapsedMilliseconds
        $results.Add($result)
    }
}

$module.Result.runtime = @{
    powershell_version = $PSVersionTable.PSVersion.ToString()
    clr_version = [Environment]::Version.ToString()
    process_64bit = [Environment]::Is64BitProcess
    hostname = [Environment]::MachineName
}
$module.Result.results = $results
$module.ExitJson()
