//! ipcscope's own error messages, in Chinese.

use std::fmt::Display;
use std::path::Path;

use super::Zh;
use crate::outfile::{Kind, What};
use crate::text::words::ErrorWords;

impl ErrorWords for Zh {
    fn output_what(&self, what: What) -> &'static str {
        match what {
            What::Trace => "跟踪文件",
            What::Recording => "录制文件",
            What::Export => "导出文件",
        }
    }

    fn cannot_write(&self, what: &str, path: &Path, reason: &str) -> String {
        format!("无法把{what}写到 {}：{reason}", path.display())
    }

    fn is_symbolic_link(&self) -> String {
        "它是符号链接；请给出文件的真实路径".into()
    }

    fn not_regular(&self, kind: Kind) -> String {
        let kind = match kind {
            Kind::Directory => "目录",
            Kind::Fifo => " FIFO（命名管道）",
            Kind::Socket => "套接字",
            Kind::CharDevice => "字符设备",
            Kind::BlockDevice => "块设备",
            Kind::Other => "特殊文件",
        };
        format!("它是{kind}，不是普通文件")
    }

    fn trailing_slash(&self) -> String {
        "文件名不能以 / 结尾".into()
    }

    fn already_exists(&self) -> String {
        "它已经存在（加 --force 覆盖它）".into()
    }

    fn no_directory(&self, dir: &Path) -> String {
        format!("目录 {} 不存在", dir.display())
    }

    fn not_a_directory(&self, path: &Path) -> String {
        format!("{} 不是目录", path.display())
    }

    fn permission_denied(&self) -> String {
        "没有权限".into()
    }

    fn read_only(&self) -> String {
        "文件系统是只读的".into()
    }

    fn cannot_read(&self, path: &Path, why: &dyn Display) -> String {
        format!("无法读取 {}：{why}", path.display())
    }

    fn recording_is_directory(&self, path: &Path) -> String {
        format!("{} 是目录，不是录制文件", path.display())
    }

    fn recording_empty(&self, path: &Path) -> String {
        format!("{} 是空的：不是录制文件", path.display())
    }

    fn recording_not_a_file(
        &self,
        path: &Path,
        kind: crate::recording::reader::NotAFile,
    ) -> String {
        use crate::recording::reader::NotAFile;
        let kind = match kind {
            NotAFile::CharDevice => "字符设备",
            NotAFile::BlockDevice => "块设备",
            NotAFile::Socket => "套接字",
        };
        format!("{} 是{kind}，不是录制文件", path.display())
    }

    fn time_out_of_range(&self, ns: u64) -> String {
        format!("时间超出范围（{ns} ns）：记录已损坏")
    }

    fn not_a_recording(&self, path: &Path) -> String {
        format!(
            "{}:1：不是 ipcscope 录制文件（没有录制文件头）",
            path.display()
        )
    }

    fn recording_version(&self, path: &Path, found: u32, reads: u32) -> String {
        format!(
            "{}:1：录制文件的版本是 {found}；这个 ipcscope 只能读版本 {reads}",
            path.display()
        )
    }

    fn empty_line(&self) -> String {
        "应当是记录的地方是一个空行".into()
    }

    fn binary_line(&self) -> String {
        "不是文本：应当是记录的地方是二进制数据".into()
    }

    fn not_a_record(&self, why: &dyn Display) -> String {
        format!("不是一条记录：{why}")
    }

    fn cut_off(&self) -> String {
        "文件在一条记录的中间结束（写入时被截断了？）".into()
    }

    fn no_run(&self, path: &Path) -> String {
        format!("{}：录制文件里没有任何一次运行", path.display())
    }

    fn cannot_watch_signals(&self, why: &dyn Display) -> String {
        format!("无法监听信号：{why}")
    }

    fn cannot_set_up_terminal(&self, why: &dyn Display) -> String {
        format!("无法设置终端：{why}")
    }

    fn goes_on_without(&self, error: &dyn Display) -> String {
        format!("{error}；运行继续，但不再写它")
    }

    fn cannot_create_shared(&self, why: &dyn Display) -> String {
        format!("无法创建共享对象：{why}")
    }

    fn cannot_start_child(&self, why: &dyn Display) -> String {
        format!("无法启动子进程：{why}")
    }

    fn too_many_processes(&self, w: u32, r: u32, max: u32) -> String {
        format!(
            "{w} 个写进程加 {r} 个读进程，共 {} 个进程；一次运行最多同时有 {max} 个\
             （一个队列供 {} 个进程使用，ipcscope 自己占一个）",
            w + r,
            max + 1
        )
    }

    fn same_trace_and_record(&self, path: &Path) -> String {
        format!(
            "--trace 和 --record 都指向 {}；请给它们不同的文件",
            path.display()
        )
    }

    fn export_onto_recording(&self, path: &Path) -> String {
        format!(
            "无法把导出写到 {}：它就是正在导出的录制文件；请换一个文件",
            path.display()
        )
    }

    fn delay_out_of_range(&self, s: &str, max: f64) -> String {
        format!("'{s}' 超出范围：延时是 0 到 {max} 秒")
    }

    fn not_a_delay(&self, s: &str) -> String {
        format!("'{s}' 不是延时：请用普通小数秒数写成 A..B 或 A，例如 0..1 或 0.5")
    }

    fn empty_delay(&self, s: &str) -> String {
        format!("'{s}' 是空范围：第一个数不能大于第二个")
    }

    fn timeout_out_of_range(&self, s: &str, max: f64) -> String {
        format!("'{s}' 超出范围：超时是 0 到 {max} 秒")
    }

    fn negative_timeout(&self, s: &str, max: f64) -> String {
        format!("'{s}' 是负数：超时是 0 到 {max} 秒（0 表示立即抛出）")
    }

    fn not_seconds(&self, s: &str, max: f64) -> String {
        format!("'{s}' 不是秒数：请写 0 到 {max} 之间的普通小数，例如 0.5")
    }
}
