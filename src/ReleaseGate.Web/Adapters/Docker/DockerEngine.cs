using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using Docker.DotNet;
using Docker.DotNet.Handler.Abstractions;
using Docker.DotNet.NativeHttp;

namespace ReleaseGate.Web.Adapters.Docker;

/// <summary>Builds a Docker engine client for a unix socket, or for tcp:// with TLS client certificates.</summary>
public static class DockerEngine
{
    public static DockerClient Connect(string dockerHost, string? tlsCertificatesPath)
    {
        var builder = new DockerClientBuilder().WithEndpoint(new Uri(dockerHost)).WithTimeout(TimeSpan.FromMinutes(10));
        if (!string.IsNullOrEmpty(tlsCertificatesPath) && dockerHost.StartsWith("tcp://", StringComparison.Ordinal))
            builder = builder.WithTransportOptions(new NativeHttpTransportOptions()).WithAuthProvider(new ClientCertificates(tlsCertificatesPath));
        return builder.Build();
    }

    /// <summary>As `docker --tlsverify`: our client certificate, and the engine's certificate checked against ca.pem only.</summary>
    private sealed class ClientCertificates(string folder) : IAuthProvider
    {
        private readonly X509Certificate2 client =
            X509Certificate2.CreateFromPemFile(Path.Combine(folder, "cert.pem"), Path.Combine(folder, "key.pem"));
        private readonly X509Certificate2 ca = X509Certificate2.CreateFromPem(File.ReadAllText(Path.Combine(folder, "ca.pem")));

        public bool TlsEnabled => true;

        public HttpMessageHandler ConfigureHandler(HttpMessageHandler handler)
        {
            if (handler is not SocketsHttpHandler sockets)
                throw new NotSupportedException($"TLS client certificates need the native HTTP transport, not {handler.GetType().Name}.");
            sockets.SslOptions.ClientCertificates = [client];
            sockets.SslOptions.RemoteCertificateValidationCallback = (_, certificate, _, errors) =>
            {
                if (certificate is null || errors.HasFlag(SslPolicyErrors.RemoteCertificateNotAvailable)) return false;
                using var chain = new X509Chain();
                chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
                chain.ChainPolicy.CustomTrustStore.Add(ca);
                chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
                return chain.Build(new X509Certificate2(certificate)) && !errors.HasFlag(SslPolicyErrors.RemoteCertificateNameMismatch);
            };
            return sockets;
        }
    }
}
