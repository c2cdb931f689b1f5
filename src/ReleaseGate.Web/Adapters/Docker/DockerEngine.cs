using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using Docker.DotNet;
using Docker.DotNet.NativeHttp;

namespace ReleaseGate.Web.Adapters.Docker;

/// <summary>Builds a Docker engine client for a unix socket, or for tcp:// with TLS client certificates.</summary>
public static class DockerEngine
{
    public static DockerClient Connect(string dockerHost, string? tlsCertificatesPath)
    {
        var endpoint = new Uri(dockerHost);
        if (string.IsNullOrEmpty(tlsCertificatesPath) || endpoint.Scheme != "tcp")
            return new DockerClientBuilder().WithEndpoint(endpoint).WithTimeout(TimeSpan.FromMinutes(10)).Build();

        // As `docker --tlsverify`: our client certificate, and the engine's certificate checked against ca.pem only.
        var client = X509Certificate2.CreateFromPemFile(Path.Combine(tlsCertificatesPath, "cert.pem"), Path.Combine(tlsCertificatesPath, "key.pem"));
        var ca = X509Certificate2.CreateFromPemFile(Path.Combine(tlsCertificatesPath, "ca.pem"));
        return new DockerClientBuilder()
            .WithEndpoint(new UriBuilder(endpoint) { Scheme = "https" }.Uri)
            .WithTimeout(TimeSpan.FromMinutes(10))
            .WithTransportOptions(new NativeHttpTransportOptions
            {
                ConfigureHandler = handler =>
                {
                    handler.SslOptions.ClientCertificates = [client];
                    handler.SslOptions.RemoteCertificateValidationCallback = (_, certificate, _, errors) =>
                    {
                        if (certificate is null || errors.HasFlag(SslPolicyErrors.RemoteCertificateNotAvailable)) return false;
                        using var chain = new X509Chain();
                        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
                        chain.ChainPolicy.CustomTrustStore.Add(ca);
                        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
                        return chain.Build(new X509Certificate2(certificate));
                    };
                },
            })
            .Build();
    }
}
