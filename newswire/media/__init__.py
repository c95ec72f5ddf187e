"""Pictures, video and graphics: the blob store, type sniffing, renditions, download links."""
