// Small browser helpers the portal calls through JS interop.
window.releaseGate = {
    timeZone: () => Intl.DateTimeFormat().resolvedOptions().timeZone,
    copy: text => navigator.clipboard.writeText(text),
};
