using Microsoft.Extensions.Http.Resilience;
using Polly;
using Polly.Retry;

namespace ReleaseGate.Registry;

/// <summary>
/// How often and how patiently a <see cref="RegistryClient"/> retries 408/429/5xx answers and broken connections
/// (exponential backoff with jitter). Tests set a tiny <see cref="BaseDelay"/> to stay fast.
/// </summary>
public sealed record RetryBudget(int MaxRetries, TimeSpan BaseDelay, TimeSpan MaxDelay)
{
    public static readonly RetryBudget Default = new(4, TimeSpan.FromMilliseconds(200), TimeSpan.FromSeconds(5));
    public static readonly RetryBudget None = new(0, TimeSpan.Zero, TimeSpan.Zero);

    /// <summary>For requests that can be re-created per attempt (everything except a streamed blob body).</summary>
    internal ResiliencePipeline<HttpResponseMessage> RequestPipeline()
    {
        if (MaxRetries == 0)
            return ResiliencePipeline<HttpResponseMessage>.Empty;
        // HttpRetryStrategyOptions already knows transient HTTP: 5xx, 408, 429, HttpRequestException, timeouts; Retry-After honoured.
        var options = new HttpRetryStrategyOptions
        {
            MaxRetryAttempts = MaxRetries,
            Delay = BaseDelay,
            MaxDelay = MaxDelay,
            BackoffType = DelayBackoffType.Exponential,
            UseJitter = true,
        };
        return new ResiliencePipelineBuilder<HttpResponseMessage>().AddRetry(options).Build();
    }

    /// <summary>
    /// For a whole blob transfer: a streamed upload cannot be replayed by a request-level retry, so the blob is
    /// started again from a freshly opened source.
    /// </summary>
    internal ResiliencePipeline BlobPipeline()
    {
        if (MaxRetries == 0)
            return ResiliencePipeline.Empty;
        return new ResiliencePipelineBuilder().AddRetry(new RetryStrategyOptions
        {
            MaxRetryAttempts = MaxRetries,
            Delay = BaseDelay,
            MaxDelay = MaxDelay,
            BackoffType = DelayBackoffType.Exponential,
            UseJitter = true,
            ShouldHandle = new PredicateBuilder().Handle<Exception>(IsTransient),
        }).Build();
    }

    internal static bool IsTransient(Exception e) => e switch
    {
        RegistryException r => r.IsTransient,
        HttpRequestException or IOException => true,
        _ => false,
    };
}
